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
    /// The pattern the time column is read with (given, or chosen among `patternCandidates`).
    var timePattern: DatePattern? = nil
    /// The time column holds Unix seconds.
    var unixSeconds = false
    /// `DateFormat.auto` on a value that is neither ISO 8601 nor an integer: the patterns its
    /// first value fits, still to be narrowed by the other rows (`DateFormatDetection`).
    var patternCandidates: [DatePattern] = []
    /// The hint's pattern, when it is one of `patternCandidates` (their first).
    var hintedPattern: DatePattern? = nil
    /// How a format that was not given was chosen, for `Table.warnings`.
    var timeNote: String? = nil

    /// Reads the time column with `pattern`.
    mutating func use(_ pattern: DatePattern) {
        timePattern = pattern
        timeKind = pattern.hasTime ? .dateTime(zoned: false) : .date
        patternCandidates = []
    }
}

/// A value cell that parsed only once its currency symbol or percent sign was set aside; the
/// reader turns these into notes in `Table.warnings`.
struct DecoratedCells {
    var count = 0
    /// Chunk-relative line of the first one, and its text.
    var firstLine = 0
    var example = ""
}

/// The hot path: libcsv callbacks that turn field bytes straight into numbers and times,
/// written into per-column buffers, without creating a `String` for a well-formed field.
///
/// One builder reads one chunk of the file; its line numbers count from 1 at the chunk's
/// start and are shifted by the caller.
final class CSVColumnBuilder: CSVSink {
    var line = 1
    var fieldIndex = 0
    var fieldStartLine = 1
    var stopped = false

    let name: String
    let plan: CSVPlan
    private let decimalComma: Bool
    private let missing: MissingTokenMatcher
    /// Per file field: `timeSlot`, `ignoredSlot`, or the output column it feeds.
    private let slots: UnsafeMutablePointer<Int>
    private let slotCount: Int
    private static let timeSlot = -2
    private static let ignoredSlot = -1
    private let valueCount: Int
    /// Storage of each output column; all share `rowCapacity` and the row count.
    private let columnBases: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    /// Per file field: where its value for the current row goes (nil: not a value column).
    private let fieldTargets: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
    private var rowCapacity: Int
    /// True while fields are to be ignored (the header row, or after an error).
    private var quiet: Bool
    private var timeBuffer: GrowableBuffer<Double>
    private var offsetBuffer: GrowableBuffer<Int32>
    private var lineBuffer: GrowableBuffer<Int>
    private let hasTime: Bool
    private let zoned: Bool
    private let isIndexTime: Bool
    private let expectTimeOfDay: Bool
    /// The time column is read with `pattern` or as Unix seconds rather than as ISO 8601.
    private let customTime: Bool
    private let pattern: DatePattern?
    private var scratchTime = ParsedTimestamp(seconds: 0, offset: 0, hasTime: false, separator: 0, hasSeconds: false, fractionDigits: 0, zone: .none)
    private var rowTime = 0.0
    private var rowOffset: Int32 = 0
    private var rowLine = 0
    private var rowMatchesHeader = true
    private var pendingError: IngestError?
    private var skipNextRow: Bool
    private var emptyByte: UInt8 = 0

    private(set) var error: IngestError?
    /// Lines of skipped repeated headers (chunk-relative).
    private(set) var repeatedHeaderLines: [Int] = []
    private(set) var sawSeconds = false
    private(set) var fractionDigits = 0
    private(set) var sawNumericOffset = false
    private(set) var separator: UInt8 = UInt8(ascii: "T")
    /// Per value column, cells with a currency symbol (`2j`) and with a percent sign (`2j + 1`);
    /// empty until the first such cell.
    private(set) var decorated: [DecoratedCells] = []

    init(name: String, plan: CSVPlan, skipFirstRow: Bool, expectedRows: Int) {
        self.name = name
        self.plan = plan
        self.decimalComma = plan.decimalComma
        self.missing = MissingTokenMatcher(plan.missingTokens)
        self.skipNextRow = skipFirstRow
        self.quiet = skipFirstRow
        slotCount = plan.fieldCount
        slots = .allocate(capacity: max(slotCount, 1))
        slots.initialize(repeating: CSVColumnBuilder.ignoredSlot, count: max(slotCount, 1))
        for (column, field) in plan.valueFields.enumerated() { slots[field] = column }
        if let timeField = plan.timeField { slots[timeField] = CSVColumnBuilder.timeSlot }
        valueCount = plan.valueFields.count
        rowCapacity = max(expectedRows, 16)
        columnBases = .allocate(capacity: max(valueCount, 1))
        for j in 0..<valueCount { (columnBases + j).initialize(to: .allocate(capacity: rowCapacity)) }
        fieldTargets = .allocate(capacity: max(slotCount, 1))
        fieldTargets.initialize(repeating: nil, count: max(slotCount, 1))
        for (column, field) in plan.valueFields.enumerated() { fieldTargets[field] = columnBases[column] }
        hasTime = plan.timeKind != .rowNumber
        zoned = plan.timeKind == .dateTime(zoned: true)
        isIndexTime = plan.timeKind == .index
        if case .dateTime = plan.timeKind { expectTimeOfDay = true } else { expectTimeOfDay = false }
        pattern = plan.timePattern
        customTime = plan.timePattern != nil || plan.unixSeconds
        if let pattern = plan.timePattern { sawSeconds = pattern.hasSeconds } else if plan.unixSeconds { sawSeconds = true }
        timeBuffer = GrowableBuffer(capacity: expectedRows)
        offsetBuffer = GrowableBuffer(capacity: zoned ? expectedRows : 16)
        lineBuffer = GrowableBuffer(capacity: expectedRows)
    }

    deinit {
        for j in 0..<valueCount { columnBases[j].deallocate() }
        columnBases.deallocate()
        fieldTargets.deallocate()
        slots.deallocate()
        timeBuffer.deallocate()
        offsetBuffer.deallocate()
        lineBuffer.deallocate()
    }

    var rowCount: Int { lineBuffer.count }
    func column(_ j: Int) -> UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: columnBases[j], count: rowCount) }
    var times: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: timeBuffer.base, count: timeBuffer.count) }
    var offsets: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: offsetBuffer.base, count: offsetBuffer.count) }
    var lines: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: lineBuffer.base, count: lineBuffer.count) }

    static let fieldCallback: CSVFieldCallback = { pointer, count, context in
        Unmanaged<CSVColumnBuilder>.fromOpaque(context!)._withUnsafeGuaranteedRef { sink in
            if let pointer {
                sink.field(UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self)), count)
            } else {
                withUnsafePointer(to: &sink.emptyByte) { sink.field($0, 0) }
            }
        }
    }

    static let rowCallback: CSVRowCallback = { _, context in
        Unmanaged<CSVColumnBuilder>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.endRow() }
    }

    @inline(__always)
    private func field(_ p: UnsafePointer<UInt8>, _ count: Int) {
        let index = fieldIndex
        fieldIndex = index + 1
        fieldStartLine = line
        if index == 0 { rowLine = line }
        if quiet || index >= slotCount { return }
        if let target = fieldTargets[index] {
            let destination = target + lineBuffer.count
            if let value = NumberParser.parse(p, count, decimalComma: decimalComma) {
                destination.pointee = value
                rowMatchesHeader = false
                return
            }
            destination.pointee = notPlainNumber(p, count, index: index)
        } else if slots[index] == CSVColumnBuilder.timeSlot {
            if !hasTime || parseTime(p, count, column: index + 1) {
                rowMatchesHeader = false
            } else if rowMatchesHeader {
                rowMatchesHeader = matchesHeader(index, p, count)
            }
        } else if rowMatchesHeader {
            rowMatchesHeader = matchesHeader(index, p, count)
        }
    }

    /// The value of a field that is not a plain number: one with a currency symbol or percent
    /// sign (counted for the notes), else NaN for a missing cell, part of a repeated header, or an
    /// error. Out of line, so the plain-number path stays as small as it was.
    @inline(never)
    private func notPlainNumber(_ p: UnsafePointer<UInt8>, _ count: Int, index: Int) -> Double {
        guard let (value, decoration) = NumberParser.parseDecorated(p, count, decimalComma: decimalComma) else {
            badNumber(p, count, index: index)
            return .nan
        }
        rowMatchesHeader = false
        if decorated.isEmpty { decorated = Array(repeating: DecoratedCells(), count: 2 * valueCount) }
        let slot = 2 * slots[index] + (decoration == .currency ? 0 : 1)
        if decorated[slot].count == 0 {
            decorated[slot].firstLine = line
            decorated[slot].example = String(decoding: UnsafeBufferPointer(start: p, count: min(count, 40)), as: UTF8.self)
        }
        decorated[slot].count += 1
        return value
    }

    /// A value field that is not a number: missing, part of a repeated header, or an error.
    private func badNumber(_ p: UnsafePointer<UInt8>, _ count: Int, index: Int) {
        if rowMatchesHeader { rowMatchesHeader = matchesHeader(index, p, count) }
        if !missing.matches(p, count) && pendingError == nil {
            var hint = ""
            if !decimalComma, NumberParser.parse(p, count, decimalComma: true) != nil {
                hint = " (a decimal comma? set the decimal-comma option)"
            }
            pendingError = IngestError(file: name, line: line, column: index + 1,
                                       "expected a number, found \(quote(p, count))\(hint)")
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
    @inline(__always)
    private func parseTime(_ p: UnsafePointer<UInt8>, _ count: Int, column: Int) -> Bool {
        if isIndexTime {
            if let value = TimestampParser.parseInteger(p, count) {
                rowTime = Double(value)
                return true
            }
        } else if customTime {
            // Locals, not the properties, go inout: a property passed inout anywhere in the module
            // gets a runtime exclusivity check at every access, ISO rows' included.
            var seconds = 0.0
            if let pattern {
                if case .none = pattern.scan(p, count, seconds: &seconds) {
                    rowTime = seconds
                    return true
                }
            } else {
                var digits = fractionDigits
                if let value = TimestampParser.unixSeconds(p, count, fractionDigits: &digits) {
                    rowTime = value
                    fractionDigits = digits
                    return true
                }
            }
        } else if case .none = TimestampParser.scan(p, count, into: &scratchTime),
                  scratchTime.hasTime == expectTimeOfDay, !expectTimeOfDay || (scratchTime.zone != .none) == zoned {
            rowTime = scratchTime.seconds
            rowOffset = scratchTime.offset
            if expectTimeOfDay {
                separator = scratchTime.separator
                if scratchTime.hasSeconds { sawSeconds = true }
                if scratchTime.fractionDigits > fractionDigits { fractionDigits = scratchTime.fractionDigits }
                if scratchTime.zone == .offset { sawNumericOffset = true }
            }
            return true
        }
        if pendingError == nil { pendingError = timeError(p, count, column: column) }
        return false
    }

    private func timeError(_ p: UnsafePointer<UInt8>, _ count: Int, column: Int) -> IngestError {
        let found = quote(p, count)
        let example = "\(IngestError.quote(plan.exampleTime)) (line \(plan.exampleLine))"
        let message: String
        if missing.matches(p, count) {
            message = "missing time stamp"
        } else if plan.timeKind == .index {
            message = "expected an integer index like \(example), found \(found)"
        } else if let pattern {
            switch pattern.parse(p, count) {
            case .invalid(let reason): message = "\(found) is not a valid time stamp: \(reason)"
            default:
                message = "expected a \(pattern.hasTime ? "date-time" : "date") like \(IngestError.quote(plan.exampleTime)) (\(pattern), line \(plan.exampleLine)), found \(found)"
            }
        } else if plan.unixSeconds {
            message = "expected Unix seconds like \(example), found \(found)"
        } else {
            let what = plan.timeKind == .date ? "date" : "date-time"
            switch TimestampParser.parse(p, count) {
            case .invalid(let reason):
                message = "\(found) is not a valid time stamp: \(reason)"
            case .success:
                message = "expected a \(what) like \(example), found \(found)"
            case .notATimestamp:
                message = "expected an ISO 8601 \(what) like \(example), found \(found)"
            }
        }
        return IngestError(file: name, line: line, column: column, message)
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
            quiet = false
            return
        }
        if rowMatchesHeader && !plan.headerFields.isEmpty && count == plan.fieldCount {
            repeatedHeaderLines.append(rowLine)
            return
        }
        if count != plan.fieldCount {
            error = IngestError(file: name, line: rowLine,
                                "expected \(plan.fieldCount) field\(plan.fieldCount == 1 ? "" : "s") as in the header, found \(count)")
            stopped = true
            quiet = true
            return
        }
        if let pendingError {
            error = pendingError
            stopped = true
            quiet = true
            return
        }
        if hasTime { timeBuffer.append(rowTime) }
        if zoned { offsetBuffer.append(rowOffset) }
        lineBuffer.append(rowLine)
        if lineBuffer.count == rowCapacity { growColumns() }
    }

    /// Doubles every column so the next row always has room.
    private func growColumns() {
        let rows = lineBuffer.count
        rowCapacity *= 2
        for j in 0..<valueCount {
            let bigger = UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity)
            bigger.moveInitialize(from: columnBases[j], count: rows)
            columnBases[j].deallocate()
            columnBases[j] = bigger
            fieldTargets[plan.valueFields[j]] = bigger
        }
    }

    /// Parses every row of `bytes`; returns the number of lines fed.
    func run(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws -> Int {
        let lines = try LibCSVDriver.run(bytes, delimiter: delimiter, name: name, sink: self,
                                         field: CSVColumnBuilder.fieldCallback, row: CSVColumnBuilder.rowCallback)
        if let error { throw error }
        return lines
    }
}
