/// Rows must be in strictly increasing time order: checked, or repaired on request.
enum TimeOrder {
    /// Reverses a table whose times strictly decrease from first row to last (the newest-first
    /// order of many exports), with a warning. Otherwise throws at the first row whose time does
    /// not follow the previous one, unless `sortAndDeduplicate`, which stable-sorts by time and
    /// keeps the first row of each duplicated time, with warnings.
    static func enforce(_ table: Table, timeField: Int, sortAndDeduplicate: Bool) throws -> Table {
        let times = table.time.values
        guard var bad = (1..<max(times.count, 1)).first(where: { times[$0] <= times[$0 - 1] }) else { return table }
        let last = times.count - 1
        if bad == 1, !(1..<times.count).contains(where: { times[$0] > times[$0 - 1] }) {
            if let repeated = (1..<times.count).first(where: { times[$0] == times[$0 - 1] }) {
                // Newest first but for a repeated time: that repeat is the thing to report.
                bad = repeated
            } else {
                var reversed = table.selectingRows(Array((0...last).reversed()))
                reversed.warnings.append("\(table.source): rows were newest first (\(table.timeString(at: 0)) on line \(table.sourceLines[0]) to \(table.timeString(at: last)) on line \(table.sourceLines[last])); reversed to oldest first")
                return reversed
            }
        }
        if !sortAndDeduplicate {
            let previous = "\(table.timeString(at: bad - 1)) on line \(table.sourceLines[bad - 1])"
            let message = times[bad] == times[bad - 1]
                ? "duplicate time \(table.timeString(at: bad)) (also \(previous)); times must be unique (or drop the repeats: --sort)"
                : "time \(table.timeString(at: bad)) comes after \(previous); rows must be in increasing time order (or sort them: --sort)"
            throw IngestError(file: table.source, line: table.sourceLines[bad], column: timeField, message)
        }
        let sorted = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
        var kept: [Int] = []
        var duplicates: [Int] = []
        for index in sorted {
            if let last = kept.last, times[last] == times[index] { duplicates.append(index) } else { kept.append(index) }
        }
        var result = table.selectingRows(kept)
        let moved = zip(kept, kept.dropFirst()).filter { $0 > $1 }.count
        if moved > 0 || kept != Array(kept.sorted()) {
            result.warnings.append("\(table.source): rows were not in time order and have been sorted")
        }
        if let first = duplicates.min() {
            result.warnings.append("\(table.source): dropped \(duplicates.count) row\(duplicates.count == 1 ? "" : "s") repeating an earlier time (first on line \(table.sourceLines[first]), \(table.timeString(at: first)))")
        }
        return result
    }
}
