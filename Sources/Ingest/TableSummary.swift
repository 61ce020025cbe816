import Dispatch

/// What `forecast describe` shows about a table: shape, time range, frequency, gaps,
/// missing cells and basic statistics per column.
public struct TableSummary: Sendable, Codable, Equatable {
    public struct ColumnSummary: Sendable, Codable, Equatable {
        public var name: String
        public var missing: Int
        /// Non-missing cells.
        public var count: Int
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// Sample standard deviation (n - 1); nil with fewer than two values.
        public var std: Double?
    }

    public struct GapSummary: Sendable, Codable, Equatable {
        /// Last time stamp before the gap and first after it, as the file writes them.
        public var after: String
        public var before: String
        /// Missing steps, nil when the distance is not a whole number of steps.
        public var missingSteps: Int?

        public init(after: String, before: String, missingSteps: Int?) {
            self.after = after
            self.before = before
            self.missingSteps = missingSteps
        }
    }

    public var source: String
    public var rows: Int
    /// Value columns (the time column not included).
    public var columns: Int
    public var timeColumn: String
    /// "date", "date-time" or "index".
    public var timeKind: String
    public var start: String
    public var end: String
    public var frequency: String?
    public var gaps: [GapSummary]
    public var missingSteps: Int
    public var irregularSteps: Int
    public var columnSummaries: [ColumnSummary]
    public var warnings: [String]

    public init(_ table: Table) {
        source = table.source
        rows = table.rowCount
        columns = table.columnCount
        timeColumn = table.timeName
        switch table.time.kind {
        case .index: timeKind = "index"
        case .date: timeKind = "date"
        case .dateTime: timeKind = "date-time"
        }
        start = rows > 0 ? table.timeString(at: 0) : ""
        end = rows > 0 ? table.timeString(at: rows - 1) : ""
        let inference = FrequencyInference(table.time)
        frequency = inference.frequency?.description
        gaps = inference.gaps.map {
            GapSummary(after: table.timeString(at: $0.afterRow), before: table.timeString(at: $0.afterRow + 1), missingSteps: $0.missingSteps)
        }
        missingSteps = inference.gaps.reduce(0) { $0 + ($1.missingSteps ?? 0) }
        irregularSteps = inference.irregularSteps
        columnSummaries = TableSummary.summarizeAll(table)
        warnings = table.warnings
    }

    /// Column statistics, computed in parallel for large tables.
    static func summarizeAll(_ table: Table) -> [ColumnSummary] {
        let count = table.columnCount
        guard table.rowCount * count > 1_000_000 && count > 1 else {
            return zip(table.columnNames, table.columns).map(summarize)
        }
        let results = SummarySlots(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { j in
            results.slots[j] = summarize(name: table.columnNames[j], values: table.columns[j])
        }
        return (0..<count).map { results.slots[$0]! }
    }

    static func summarize(name: String, values: [Double]) -> ColumnSummary {
        var count = 0
        var low = Double.infinity, high = -Double.infinity
        var sum = 0.0
        for v in values where !v.isNaN {
            count += 1
            low = Swift.min(low, v)
            high = Swift.max(high, v)
            sum += v
        }
        let mean = count > 0 ? sum / Double(count) : 0
        var m2 = 0.0
        for v in values where !v.isNaN { m2 += (v - mean) * (v - mean) }
        return ColumnSummary(
            name: name, missing: values.count - count, count: count,
            min: count > 0 ? low : nil, max: count > 0 ? high : nil, mean: count > 0 ? mean : nil,
            std: count > 1 ? (m2 / Double(count - 1)).squareRoot() : nil)
    }

    /// Human-readable report; lists at most `maxGaps` gaps.
    public func text(maxGaps: Int = 10) -> String {
        var lines: [String] = []
        lines.append("file:       \(source)")
        lines.append("rows:       \(rows)")
        lines.append("columns:    \(columns) (+ time column \"\(timeColumn)\", \(timeKind))")
        lines.append("time range: \(start) to \(end)")
        lines.append("frequency:  \(frequency ?? "unknown (fewer than 2 rows)")")
        if gaps.isEmpty {
            lines.append("gaps:       none")
        } else {
            lines.append("gaps:       \(gaps.count) (\(missingSteps) missing step\(missingSteps == 1 ? "" : "s"))")
            for gap in gaps.prefix(maxGaps) {
                let size = gap.missingSteps.map { "\($0) missing" } ?? "off the step grid"
                lines.append("  \(gap.after) -> \(gap.before)  \(size)")
            }
            if gaps.count > maxGaps { lines.append("  ... \(gaps.count - maxGaps) more") }
        }
        if irregularSteps > 0 { lines.append("irregular:  \(irregularSteps) step\(irregularSteps == 1 ? "" : "s") shorter than or off the step") }
        let header = ["column", "missing", "min", "max", "mean", "std"]
        var table = [header]
        for c in columnSummaries {
            table.append([c.name, String(c.missing)] + [c.min, c.max, c.mean, c.std].map { $0.map(TableSummary.format) ?? "-" })
        }
        let widths = header.indices.map { k in table.map { $0[k].count }.max()! }
        for row in table {
            let cells = row.enumerated().map { k, cell in
                k == 0 ? cell.padding(widths[k]) : String(repeating: " ", count: widths[k] - cell.count) + cell
            }
            lines.append(cells.joined(separator: "  "))
        }
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    /// Up to 6 significant digits, without exponent for ordinary magnitudes.
    static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e15 || magnitude < 1e-4 { return String(x) }
        let digitsBefore = Int((magnitude.rounded(.down) == 0 ? 0 : log10i(magnitude)) + 1)
        let decimals = Swift.max(0, 6 - digitsBefore)
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (x * factor).rounded() / factor
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) - 1 > decimals {
            text = String(text[..<text.index(dot, offsetBy: decimals + 1)])
        }
        return text
    }

    private static func log10i(_ x: Double) -> Int {
        var n = 0
        var v = x
        while v >= 10 { v /= 10; n += 1 }
        return n
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(0, width - count))
    }
}

/// One result slot per column, written by exactly one parallel job each.
private final class SummarySlots: @unchecked Sendable {
    let slots: UnsafeMutablePointer<TableSummary.ColumnSummary?>
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}
