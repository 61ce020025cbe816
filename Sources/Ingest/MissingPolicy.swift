/// What to do with missing cells (NaN).
public enum MissingPolicy: String, Sendable, CaseIterable, Codable {
    /// Fail, naming the first missing cell (file, line, column).
    case error
    /// Drop every row that has a missing cell.
    case drop
    /// Carry the last value forward. A column whose first rows are missing is an error.
    case ffill
    /// Linear in time between the neighbouring values; before the first or after the last
    /// value of a column, the nearest value is repeated.
    case interpolate
}

/// What a missing-value policy did.
public struct MissingReport: Sendable, Equatable {
    public var policy: MissingPolicy
    /// Missing cells before the policy was applied.
    public var missingCells: Int
    /// Cells given a value (`ffill`, `interpolate`).
    public var filledCells: Int
    /// Rows removed (`drop`).
    public var droppedRows: Int

    public init(policy: MissingPolicy, missingCells: Int, filledCells: Int, droppedRows: Int) {
        self.policy = policy
        self.missingCells = missingCells
        self.filledCells = filledCells
        self.droppedRows = droppedRows
    }

    /// Filled cells plus dropped rows: the one number to show a user.
    public var count: Int { filledCells + droppedRows }
}

extension Table {
    /// The table with no missing cells left, and what was done to get there.
    public func handlingMissing(_ policy: MissingPolicy) throws -> (table: Table, report: MissingReport) {
        let missingCells = missingCount
        var report = MissingReport(policy: policy, missingCells: missingCells, filledCells: 0, droppedRows: 0)
        if missingCells == 0 { return (self, report) }
        switch policy {
        case .error:
            let (row, column) = firstMissingCell()!
            throw cellError(row: row, column: column,
                            "missing value in column \(IngestError.quote(columnNames[column])) (the missing-value policy is error; choose drop, ffill or interpolate)")
        case .drop:
            let kept = (0..<rowCount).filter { row in !columns.contains { $0[row].isNaN } }
            guard !kept.isEmpty else {
                throw IngestError(file: source, "every row has a missing value; dropping them leaves nothing")
            }
            report.droppedRows = rowCount - kept.count
            return (selectingRows(kept), report)
        case .ffill:
            var result = self
            for j in columns.indices {
                var last = Double.nan
                for i in 0..<rowCount {
                    if !result.columns[j][i].isNaN { last = result.columns[j][i]; continue }
                    guard !last.isNaN else {
                        throw cellError(row: i, column: j,
                                        "missing value in column \(IngestError.quote(columnNames[j])) before any value, so forward fill has nothing to carry (use interpolate or drop)")
                    }
                    result.columns[j][i] = last
                    report.filledCells += 1
                }
            }
            return (result, report)
        case .interpolate:
            var result = self
            let t = time.values
            for j in columns.indices {
                let column = columns[j]
                let known = column.indices.filter { !column[$0].isNaN }
                guard let first = known.first, let last = known.last else {
                    throw IngestError(file: source, "column \(IngestError.quote(columnNames[j])) has no values to interpolate from")
                }
                var filled = column
                for i in 0..<first { filled[i] = column[first] }
                for i in (last + 1)..<rowCount { filled[i] = column[last] }
                for (a, b) in zip(known, known.dropFirst()) where b > a + 1 {
                    for i in (a + 1)..<b {
                        let w = (t[i] - t[a]) / (t[b] - t[a])
                        filled[i] = column[a] + (column[b] - column[a]) * w
                    }
                }
                report.filledCells += column.count - known.count
                result.columns[j] = filled
            }
            return (result, report)
        }
    }

    /// The first missing cell in reading order (row by row, left to right).
    func firstMissingCell() -> (row: Int, column: Int)? {
        for i in 0..<rowCount {
            for j in columns.indices where columns[j][i].isNaN { return (i, j) }
        }
        return nil
    }
}
