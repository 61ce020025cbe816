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
/// header line, re-sorted or reversed rows, a detected date format, currency symbols and percent
/// signs in numbers) are listed in `Table.warnings`.
public enum CSVReader {
    /// Reads the file at `path`; errors name it as given.
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try FileBytes.withContents(path: path) { try read(buffer: $0, name: path, options: options) }
    }

    /// Reads CSV text held in memory; `name` stands for the file in error messages.
    public static func read(string: String, name: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try read(bytes: Array(string.utf8), name: name, options: options)
    }

    /// Reads CSV bytes held in memory; `name` stands for the file in error messages.
    public static func read(bytes: [UInt8], name: String, options: CSVOptions = CSVOptions()) throws -> Table {
        try bytes.withUnsafeBufferPointer { try read(buffer: $0, name: name, options: options) }
    }

    #if os(Linux)
    /// Pre-faulting the mapping in one go is much cheaper than a page fault per 4 KiB.
    static let mapFlags = MAP_PRIVATE | MAP_POPULATE
    #else
    static let mapFlags = MAP_PRIVATE
    #endif

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
        let header = options.hasHeader ? firstRow.map(CSVLayout.trimmed) : []
        if !plan.patternCandidates.isEmpty {
            try DateFormatDetection.resolve(&plan, body: body, delimiter: delimiter, name: name,
                                            columnName: CSVLayout.columnName(header, plan.timeField!))
        }

        let parsed = try CSVChunkedParse.run(body, delimiter: delimiter, name: name, plan: plan, skipHeader: options.hasHeader)
        guard parsed.rowCount > 0 else {
            throw IngestError(file: name, "header only: no data rows after the header on line \(prefix.rowLines[0])")
        }
        let columnNames = plan.valueFields.map { CSVLayout.columnName(header, $0) }
        var warnings = parsed.repeatedHeaderLines.map { "\(name):\($0): repeated header line skipped" }
        if let note = plan.timeNote { warnings.append(note) }
        warnings += decorationNotes(parsed.decorated, columnNames: columnNames, name: name)
        var table = try Table(
            source: name,
            timeName: plan.timeField.map { CSVLayout.columnName(header, $0) } ?? "row",
            time: parsed.axis,
            columnNames: columnNames,
            columns: parsed.columns,
            sourceLines: parsed.lines,
            sourceFields: plan.valueFields.map { $0 + 1 },
            warnings: warnings)
        table.dateFormat = plan.timePattern.map { .pattern($0) } ?? (plan.unixSeconds ? .unixSeconds : nil)
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

    /// One note for the cells read past a currency symbol and one for those past a percent sign,
    /// each naming its columns (not one per column: an export with `$` prices has them in five).
    private static func decorationNotes(_ decorated: [DecoratedCells], columnNames: [String], name: String) -> [String] {
        (0..<2).compactMap { kind in
            let columns = stride(from: kind, to: decorated.count, by: 2).filter { decorated[$0].count > 0 }
            guard let first = columns.min(by: { decorated[$0].firstLine < decorated[$1].firstLine }) else { return nil }
            let count = columns.reduce(0) { $0 + decorated[$1].count }
            let names = columns.map { IngestError.quote(columnNames[$0 / 2]) }.joined(separator: ", ")
            return "\(name): \(columns.count == 1 ? "column" : "columns") \(names): \(count) value\(count == 1 ? "" : "s") with a "
                + "\(kind == 0 ? "currency symbol" : "percent sign") (first \(IngestError.quote(decorated[first].example)) on line \(decorated[first].firstLine))"
                + (kind == 0 ? " read as plain numbers" : " kept in percent: 12.5% reads as 12.5, not 0.125")
        }
    }
}

/// Whole-file reads without Foundation.
enum FileBytes {
    /// Calls `body` with the file's bytes: memory-mapped for a regular file (no copy, no
    /// zero-filled pages), read into memory otherwise.
    static func withContents<R>(path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        let descriptor = open(path, O_RDONLY)
        if descriptor >= 0 {
            defer { close(descriptor) }
            var info = stat()
            if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
               let mapped = mmap(nil, Int(info.st_size), PROT_READ, CSVReader.mapFlags, descriptor, 0), mapped != MAP_FAILED {
                defer { munmap(mapped, Int(info.st_size)) }
                _ = madvise(mapped, Int(info.st_size), MADV_SEQUENTIAL)
                return try body(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size)))
            }
        }
        let bytes = try load(path: path)
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

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
        var failure: Int32 = 0
        func readAll(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            var total = 0
            while total < buffer.count {
                let n = read(descriptor, buffer.baseAddress! + total, buffer.count - total)
                if n < 0 { if errno == EINTR { continue }; failure = errno; break }
                if n == 0 { break }
                total += n
            }
            return total
        }
        let size = max(Int(info.st_size), 0)
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = readAll(into: UnsafeMutableRawBufferPointer(buffer))
        }
        // The file may have grown, or be a pipe whose size fstat does not know.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while failure == 0 {
            let n = chunk.withUnsafeMutableBytes { readAll(into: $0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if failure != 0 { throw IngestError(file: path, "cannot read: \(String(cString: strerror(failure)))") }
        return bytes
    }
}
