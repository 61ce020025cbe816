/// The size of a split part: a share of all rows (rounded to the nearest row) or a count.
public enum SplitSize: Sendable, Equatable {
    case fraction(Double)
    case count(Int)

    func rows(of total: Int, name: String) throws -> Int {
        switch self {
        case .fraction(let f):
            guard f >= 0 && f < 1 else { throw IngestError("\(name) fraction must be in [0, 1), got \(f)") }
            return Int((Double(total) * f).rounded())
        case .count(let c):
            guard c >= 0 else { throw IngestError("\(name) size must not be negative, got \(c)") }
            return c
        }
    }
}

/// Train, validation and test as consecutive row ranges, in that order: nothing later in
/// time ever lands in an earlier part.
public struct ChronologicalSplit: Sendable, Equatable {
    public enum Part: String, Sendable, CaseIterable { case train, validation, test }

    public var train: Range<Int>
    public var validation: Range<Int>
    public var test: Range<Int>

    /// Validation and test are taken from the end; training gets the rest.
    public init(rowCount: Int, validation: SplitSize, test: SplitSize) throws {
        let testRows = try test.rows(of: rowCount, name: "test")
        let validationRows = try validation.rows(of: rowCount, name: "validation")
        let trainRows = rowCount - testRows - validationRows
        guard trainRows > 0 else {
            throw IngestError("\(rowCount) rows leave no training rows after \(validationRows) validation and \(testRows) test rows")
        }
        train = 0..<trainRows
        self.validation = trainRows..<(trainRows + validationRows)
        self.test = (trainRows + validationRows)..<rowCount
    }

    public init(train: Range<Int>, validation: Range<Int>, test: Range<Int>) throws {
        guard train.lowerBound == 0, validation.lowerBound == train.upperBound, test.lowerBound == validation.upperBound else {
            throw IngestError("split parts must be consecutive and start at row 0")
        }
        self.train = train
        self.validation = validation
        self.test = test
    }

    public func range(_ part: Part) -> Range<Int> {
        switch part {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// Rows the windows of `part` may touch: the part itself, plus up to `timesteps` rows
    /// before it so that its first rows can be targets. Those earlier rows are only ever
    /// inputs (the past), never targets, so no target of one part appears in another.
    public func windowRows(_ part: Part, timesteps: Int) -> Range<Int> {
        let r = range(part)
        if part == .train || r.isEmpty { return r }
        return max(0, r.lowerBound - timesteps)..<r.upperBound
    }
}
