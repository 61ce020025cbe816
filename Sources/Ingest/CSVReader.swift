#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV export into a `Table`.
///
/// libcsv (strict mode) does the tokenizing; this type decides the layout from the header
/// and the first data row, then streams every row into typed columns. Every malformed input
/// raises an `IngestError` naming the file, line and field; tolerated oddities (a repeated
/// header line, re-sorted rows) are listed in `Table.warnings`.
public enum CSVReader {
    /// Reads the file at `path`; errors name it as given.
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> Table {
        let bytes = try FileBytes.load(path: path)
        return try read(bytes: bytes, name: path, options: options)
    }

    /// Reads CSV text held in memory; `name` stands for the file in error messages.
    public static func read(string: String, name: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try read(bytes: Array(string.utf8), name: name, options: options)
    }

    /// Reads CSV bytes held in memory; `name` stands for the file in error messages.
    public static func read(bytes: [UInt8], name: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try bytes.withUnsafeBufferPointer { try read(buffer: $0, name: name, options: options) }
    }

    static let timeColumnNames: Set<String> = [
        "date", "time", "timestamp", "datetime", "date_time", "ds", "t", "index", "period", "month", "week", "year", "day",
    ]

    static func read(buffer whole: UnsafeBufferPointer<UInt8>, name: String, options: CSVOptions) throws -> Table {
        var body = whole
        if body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF {
            body = UnsafeBufferPointer(rebasing: body[3...])
        }
        try CSVSniffer.checkText(body, name: name)
        let delimiter = options.delimiter.byte ?? CSVSniffer.detectDelimiter(body)
        let decimalComma = options.decimalComma ?? (delimiter == UInt8(ascii: ";"))

        let prefix = try CSVRowCollector.collect(body, delimiter: delimiter, name: name, limit: options.hasHeader ? 2 : 1)
        guard let firstRow = prefix.rows.first else {
            throw IngestError(file: name, "empty file: expected a header line and data rows")
        }
        if options.hasHeader && prefix.rows.count < 2 {
            throw IngestError(file: name, "header only: no data rows after the header on line \(prefix.rowLines[0])")
        }
        var plan = try CSVLayout.plan(
            header: options.hasHeader ? firstRow : nil,
            firstData: options.hasHeader ? prefix.rows[1] : firstRow,
            firstDataLine: options.hasHeader ? prefix.rowLines[1] : prefix.rowLines[0],
            name: name, options: options)
        plan.decimalComma = decimalComma

        let headerLength = CSVSniffer.firstLineLength(body)
        let builder = CSVColumnBuilder(name: name, plan: plan, skipFirstRow: options.hasHeader,
                                       expectedRows: body.count / max(headerLength, 8) + 16)
        try builder.run(body, delimiter: delimiter)
        guard !builder.lines.isEmpty else {
            throw IngestError(file: name, "header only: no data rows after the header on line \(prefix.rowLines[0])")
        }

        let rowCount = builder.lines.count
        let valueCount = plan.valueFields.count
        var columns = [[Double]]()
        columns.reserveCapacity(valueCount)
        builder.values.withUnsafeBufferPointer { values in
            for j in 0..<valueCount {
                columns.append([Double](unsafeUninitializedCapacity: rowCount) { column, initialized in
                    for i in 0..<rowCount { column[i] = values[i * valueCount + j] }
                    initialized = rowCount
                })
            }
        }
        let axis = makeAxis(plan: plan, builder: builder)
        let header = options.hasHeader ? firstRow.map(CSVLayout.trimmed) : []
        var table = try Table(
            source: name,
            timeName: plan.timeField.map { CSVLayout.columnName(header, $0) } ?? "row",
            time: axis,
            columnNames: plan.valueFields.map { CSVLayout.columnName(header, $0) },
            columns: columns,
            sourceLines: builder.lines,
            sourceFields: plan.valueFields.map { $0 + 1 },
            warnings: builder.warnings)
        if plan.timeKind != .rowNumber {
            table = try TimeOrder.enforce(table, timeField: plan.timeField! + 1, sortAndDeduplicate: options.sortAndDeduplicate)
        }
        if let policy = options.missing {
            let (cleaned, report) = try table.handlingMissing(policy)
            table = cleaned
            table.missingReport = report
        }
        return table
    }

    private static func makeAxis(plan: CSVPlan, builder: CSVColumnBuilder) -> TimeAxis {
        switch plan.timeKind {
        case .rowNumber, .index:
            return TimeAxis(kind: .index, values: builder.times)
        case .date:
            return TimeAxis(kind: .date, values: builder.times)
        case .dateTime(let zoned):
            let zone: TimeAxis.Zone = zoned ? (builder.sawNumericOffset ? .offset : .utc) : .none
            let style = TimeAxis.DateTimeStyle(
                separator: Character(UnicodeScalar(builder.separator)), hasSeconds: builder.sawSeconds,
                fractionDigits: builder.fractionDigits, zone: zone)
            return TimeAxis(kind: .dateTime(style), values: builder.times, utcOffsets: zone == .offset ? builder.offsets : [])
        }
    }
}

/// Whole-file reads without Foundation.
enum FileBytes {
    static func load(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw IngestError(file: path, "cannot open: \(reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw IngestError(file: path, "cannot read: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw IngestError(file: path, "is a directory, not a CSV file") }
        var bytes = [UInt8]()
        var capacity = max(Int(info.st_size), 0) + 1
        while true {
            if bytes.count == capacity { capacity *= 2 }
            bytes.reserveCapacity(capacity)
            var failure: Int32 = 0
            var atEnd = false
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: capacity - start))
            let count = bytes.withUnsafeMutableBytes { raw -> Int in
                var total = 0
                while start + total < raw.count {
                    let n = read(descriptor, raw.baseAddress! + start + total, raw.count - start - total)
                    if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                    if n == 0 { atEnd = true; break }
                    total += n
                }
                return total
            }
            bytes.removeLast(capacity - start - count)
            if failure != 0 { throw IngestError(file: path, "cannot read: \(String(cString: strerror(failure)))") }
            if atEnd { break }
        }
        return bytes
    }
}
