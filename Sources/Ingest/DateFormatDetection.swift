/// Chooses among the patterns an `.auto` time column's first value fits (`04/05/2024`: month
/// first or day first) by reading that column until a value fits only one of them.
///
/// A pass of its own, before the main one, because every row's time must be stored in its final
/// reading; it stops at the deciding row, which in daily data comes within the first two weeks,
/// so it costs a whole pass only when no row decides, and then reading stops with an error.
final class DateFormatDetection: CSVSink {
    var line = 1
    var fieldIndex = 0
    var fieldStartLine = 1
    var stopped = false
    private let timeField: Int
    /// Patterns every value seen so far fits (values that fit none are left to the main pass).
    private(set) var alive: [DatePattern]
    private(set) var decidingLine = 0
    private(set) var decidingText = ""

    private init(timeField: Int, candidates: [DatePattern]) {
        self.timeField = timeField
        alive = candidates
    }

    static let fieldCallback: CSVFieldCallback = { pointer, count, context in
        let sink = Unmanaged<DateFormatDetection>.fromOpaque(context!).takeUnretainedValue()
        let index = sink.fieldIndex
        sink.fieldIndex = index + 1
        sink.fieldStartLine = sink.line
        // The header's name fits no pattern, so it needs no skipping.
        guard index == sink.timeField, !sink.stopped, let pointer else { return }
        sink.check(UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self)), count)
    }

    static let rowCallback: CSVRowCallback = { _, context in
        let sink = Unmanaged<DateFormatDetection>.fromOpaque(context!).takeUnretainedValue()
        sink.fieldIndex = 0
        sink.fieldStartLine = sink.line + 1
    }

    private func check(_ p: UnsafePointer<UInt8>, _ count: Int) {
        var seconds = 0.0
        let fitting = alive.filter { pattern in
            if case .none = pattern.scan(p, count, seconds: &seconds) { return true }
            return false
        }
        // A value that fits none is a bad row for the main pass to report, not evidence.
        guard !fitting.isEmpty, fitting.count < alive.count else { return }
        alive = fitting
        if alive.count == 1 {
            decidingLine = line
            decidingText = String(decoding: UnsafeBufferPointer(start: p, count: min(count, 40)), as: UTF8.self)
            stopped = true
        }
    }

    private static func describe(_ pattern: DatePattern) -> String {
        pattern.order.map { "\(pattern) (\($0))" } ?? pattern.text
    }

    /// Settles `plan.patternCandidates` into `plan.timePattern` with a note saying why, or throws
    /// when every value fits several of them (and none is the hint).
    static func resolve(_ plan: inout CSVPlan, body: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String,
                        columnName: String) throws {
        let candidates = plan.patternCandidates
        guard let first = candidates.first, let timeField = plan.timeField else { return }
        let column = IngestError.quote(columnName)
        let example = IngestError.quote(plan.exampleTime)
        if candidates.count == 1 {
            plan.use(first)
            plan.timeNote = "\(name): dates in column \(column) read as \(describe(first)), the only reading of \(example) on line \(plan.exampleLine)"
            return
        }
        let detection = DateFormatDetection(timeField: timeField, candidates: candidates)
        try LibCSVDriver.run(body, delimiter: delimiter, name: name, sink: detection, field: fieldCallback, row: rowCallback)
        let alive = detection.alive
        if alive.count == 1 {
            plan.use(alive[0])
            plan.timeNote = "\(name): dates in column \(column) read as \(describe(alive[0])), the only reading of \(IngestError.quote(detection.decidingText)) on line \(detection.decidingLine)"
            return
        }
        let others = alive.filter { $0 != plan.hintedPattern }.map(describe)
        if let hinted = plan.hintedPattern, alive.contains(hinted) {
            plan.use(hinted)
            plan.timeNote = "\(name): dates in column \(column) read as \(describe(hinted)), as the date-format hint says; every one also fits \(list(others))"
            return
        }
        throw IngestError(file: name, line: plan.exampleLine, column: timeField + 1,
                          "every date in column \(column), like \(example), fits \(alive.count == 2 ? "both " : "")\(list(alive.map(describe))); pass \(list(alive.map { "--date-format " + shellWord($0.text) }, or: true))")
    }

    private static func shellWord(_ text: String) -> String {
        text.contains(" ") ? "'\(text)'" : text
    }

    private static func list(_ items: [String], or: Bool = false) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        let conjunction = or ? "or" : "and"
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}
