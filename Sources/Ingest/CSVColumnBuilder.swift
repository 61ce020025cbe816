/// How the data rows of a file are to be read, decided from its header and first data row.
struct CSVPlan {
    enum TimeKind: Equatable {
        case rowNumber
        case index
        case date
        case dateTime(zoned: Bool)
    }

    var fieldCount: Int
    var timeField: Int?
    var timeKind: TimeKind
    /// File field (0-based) of each output column.
    var valueFields: [Int]
    /// Header cells, to recognise a header repeated mid-file; empty without a header.
    var headerFields: [[UInt8]]
    var decimalComma: Bool
    var missingTokens: [String]
    /// First data row's time text and line, quoted in "expected a time like ..." errors.
    var exampleTime: String
    var exampleLine: Int
}

/// The hot path: libcsv callbacks that turn field bytes straight into numbers and times,
/// appended row-major, without creating a `String` for a well-formed field.
final class CSVColumnBuilder: CSVSink {
    var line = 1
    var fieldIndex = 0
    var fieldStartLine = 1
    var stopped = false

    let name: String
    let plan: CSVPlan
    private let missing: MissingTokenMatcher
    /// Per file field: `timeSlot`, `ignoredSlot`, or the output column it feeds.
    private var slots: [Int]
    private static let timeSlot = -2
    private static let ignoredSlot = -1
    private let valueCount: Int
    private var rowValues: [Double]
    private var rowTime = 0.0
    private var rowOffset: Int32 = 0
    private var rowLine = 0
    private var rowMatchesHeader = true
    private var pendingError: IngestError?
    private var skipNextRow: Bool
    private var emptyByte: UInt8 = 0

    private(set) var error: IngestError?
    private(set) var values: [Double] = []
    private(set) var times: [Double] = []
    private(set) var offsets: [Int32] = []
    private(set) var lines: [Int] = []
    private(set) var warnings: [String] = []
    private(set) var sawSeconds = false
    private(set) var fractionDigits = 0
    private(set) var sawNumericOffset = false
    private(set) var separator: UInt8 = UInt8(ascii: "T")

    init(name: String, plan: CSVPlan, skipFirstRow: Bool, expectedRows: Int) {
        self.name = name
        self.plan = plan
        self.missing = MissingTokenMatcher(plan.missingTokens)
        self.skipNextRow = skipFirstRow
        var slots = Array(repeating: CSVColumnBuilder.ignoredSlot, count: plan.fieldCount)
        for (column, field) in plan.valueFields.enumerated() { slots[field] = column }
        if let timeField = plan.timeField { slots[timeField] = CSVColumnBuilder.timeSlot }
        self.slots = slots
        self.valueCount = plan.valueFields.count
        self.rowValues = Array(repeating: .nan, count: plan.valueFields.count)
        values.reserveCapacity(expectedRows * valueCount)
        times.reserveCapacity(expectedRows)
        lines.reserveCapacity(expectedRows)
    }

    static let fieldCallback: CSVFieldCallback = { pointer, count, context in
        let sink = Unmanaged<CSVColumnBuilder>.fromOpaque(context!).takeUnretainedValue()
        if let pointer {
            sink.field(UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self)), count)
        } else {
            withUnsafePointer(to: &sink.emptyByte) { sink.field($0, 0) }
        }
    }

    static let rowCallback: CSVRowCallback = { _, context in
        Unmanaged<CSVColumnBuilder>.fromOpaque(context!).takeUnretainedValue().endRow()
    }

    @inline(__always)
    private func field(_ p: UnsafePointer<UInt8>, _ count: Int) {
        let index = fieldIndex
        fieldIndex = index + 1
        fieldStartLine = line
        if index == 0 { rowLine = line }
        if stopped || skipNextRow || index >= slots.count { return }
        let slot = slots[index]
        if slot >= 0 {
            if let value = NumberParser.parse(p, count, decimalComma: plan.decimalComma) {
                rowValues[slot] = value
                rowMatchesHeader = false
                return
            }
            rowValues[slot] = .nan
            if rowMatchesHeader { rowMatchesHeader = matchesHeader(index, p, count) }
            if !missing.matches(p, count) && pendingError == nil {
                var hint = ""
                if !plan.decimalComma, NumberParser.parse(p, count, decimalComma: true) != nil {
                    hint = " (a decimal comma? set the decimal-comma option)"
                }
                pendingError = IngestError(file: name, line: line, column: index + 1,
                                           "expected a number, found \(quote(p, count))\(hint)")
            }
        } else if slot == CSVColumnBuilder.timeSlot {
            if parseTime(p, count, column: index + 1) {
                rowMatchesHeader = false
            } else if rowMatchesHeader {
                rowMatchesHeader = matchesHeader(index, p, count)
            }
        } else if rowMatchesHeader {
            rowMatchesHeader = matchesHeader(index, p, count)
        }
    }

    private func quote(_ p: UnsafePointer<UInt8>, _ count: Int) -> String {
        IngestError.quote(UnsafeBufferPointer(start: p, count: count))
    }

    private func matchesHeader(_ index: Int, _ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard index < plan.headerFields.count else { return false }
        var i = 0
        var end = count
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        let header = plan.headerFields[index]
        guard header.count == end - i else { return false }
        for k in 0..<header.count where header[k] != p[i + k] { return false }
        return true
    }

    /// Stores the row's time; on failure records the row's first error and returns false.
    private func parseTime(_ p: UnsafePointer<UInt8>, _ count: Int, column: Int) -> Bool {
        func fail(_ message: String) -> Bool {
            if pendingError == nil { pendingError = IngestError(file: name, line: line, column: column, message) }
            return false
        }
        switch plan.timeKind {
        case .rowNumber:
            return true
        case .index:
            if let value = TimestampParser.parseInteger(p, count) {
                rowTime = Double(value)
                return true
            }
            if missing.matches(p, count) { return fail("missing time stamp") }
            return fail("expected an integer index like \(IngestError.quote(plan.exampleTime)) (line \(plan.exampleLine)), found \(quote(p, count))")
        case .date, .dateTime:
            switch TimestampParser.parse(p, count) {
            case .success(let parsed):
                let expectTime = plan.timeKind != .date
                let expectZone = plan.timeKind == .dateTime(zoned: true)
                guard parsed.hasTime == expectTime, (parsed.zone != .none) == expectZone || !expectTime else {
                    return fail("expected a \(expectTime ? "date-time" : "date") like \(IngestError.quote(plan.exampleTime)) (line \(plan.exampleLine)), found \(quote(p, count))")
                }
                rowTime = parsed.seconds
                rowOffset = parsed.offset
                if parsed.hasTime {
                    separator = parsed.separator
                    if parsed.hasSeconds { sawSeconds = true }
                    if parsed.fractionDigits > fractionDigits { fractionDigits = parsed.fractionDigits }
                    if parsed.zone == .offset { sawNumericOffset = true }
                }
                return true
            case .invalid(let reason):
                return fail("\(quote(p, count)) is not a valid date-time: \(reason)")
            case .notATimestamp:
                if missing.matches(p, count) { return fail("missing time stamp") }
                return fail("expected an ISO 8601 \(plan.timeKind == .date ? "date" : "date-time") like \(IngestError.quote(plan.exampleTime)) (line \(plan.exampleLine)), found \(quote(p, count))")
            }
        }
    }

    private func endRow() {
        let count = fieldIndex
        fieldIndex = 0
        fieldStartLine = line + 1
        defer {
            rowMatchesHeader = true
            pendingError = nil
        }
        if stopped { return }
        if skipNextRow {
            skipNextRow = false
            return
        }
        if rowMatchesHeader && !plan.headerFields.isEmpty && count == plan.fieldCount {
            warnings.append("\(name):\(rowLine): repeated header line skipped")
            return
        }
        if count != plan.fieldCount {
            error = IngestError(file: name, line: rowLine,
                                "expected \(plan.fieldCount) field\(plan.fieldCount == 1 ? "" : "s") as in the header, found \(count)")
            stopped = true
            return
        }
        if let pendingError {
            error = pendingError
            stopped = true
            return
        }
        values.append(contentsOf: rowValues)
        times.append(plan.timeKind == .rowNumber ? Double(times.count) : rowTime)
        if plan.timeKind == .dateTime(zoned: true) { offsets.append(rowOffset) }
        lines.append(rowLine)
    }

    /// Parses every data row of `bytes`.
    func run(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws {
        try LibCSVDriver.run(bytes, delimiter: delimiter, name: name, sink: self,
                             field: CSVColumnBuilder.fieldCallback, row: CSVColumnBuilder.rowCallback)
        if let error { throw error }
    }
}
