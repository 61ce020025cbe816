/// Supervised windows cut from a multivariate series, as flat row-major `Float` buffers.
///
/// Window `n` reads input rows `s ..< s + timesteps` and target rows
/// `s + timesteps ..< s + timesteps + horizon`, where `s = rows.lowerBound + n * stride`.
public struct WindowSet: Sendable, Equatable {
    /// Shape (count, timesteps, inputDim), batch first: `inputs[(n * timesteps + t) * inputDim + c]`.
    public var inputs: [Float]
    /// Shape (count, horizon, targetDim): `targets[(n * horizon + h) * targetDim + c]`.
    public var targets: [Float]
    public var count: Int
    public var timesteps: Int
    public var inputDim: Int
    public var horizon: Int
    public var targetDim: Int
    /// Row of each window's first target step (its forecast origin is the row before).
    public var targetStartRows: [Int]

    public init(inputs: [Float], targets: [Float], count: Int, timesteps: Int, inputDim: Int, horizon: Int, targetDim: Int, targetStartRows: [Int]) {
        self.inputs = inputs
        self.targets = targets
        self.count = count
        self.timesteps = timesteps
        self.inputDim = inputDim
        self.horizon = horizon
        self.targetDim = targetDim
        self.targetStartRows = targetStartRows
    }

    /// Input value of window `n` at step `t`, feature `c`.
    public func input(_ n: Int, _ t: Int, _ c: Int) -> Float { inputs[(n * timesteps + t) * inputDim + c] }
    /// Target value of window `n` at horizon step `h`, target `c`.
    public func target(_ n: Int, _ h: Int, _ c: Int) -> Float { targets[(n * horizon + h) * targetDim + c] }
}

public enum Windowing {
    /// Number of windows that fit entirely inside `rows`.
    public static func windowCount(rows: Range<Int>, timesteps: Int, horizon: Int, stride: Int = 1) -> Int {
        let span = timesteps + horizon
        guard timesteps > 0, horizon > 0, stride > 0, rows.count >= span else { return 0 }
        return (rows.count - span) / stride + 1
    }

    /// Cuts every window lying entirely inside `rows`, so windows never cross a split
    /// boundary. `inputs` and `targets` are columns (already scaled) indexed by table row.
    /// Windows start at `rows.lowerBound` and advance by `stride`.
    public static func windows(
        inputs: [[Float]], targets: [[Float]], timesteps: Int, horizon: Int, stride: Int = 1, rows: Range<Int>
    ) throws -> WindowSet {
        guard timesteps >= 1 else { throw IngestError("timesteps must be at least 1, got \(timesteps)") }
        guard horizon >= 1 else { throw IngestError("horizon must be at least 1, got \(horizon)") }
        guard stride >= 1 else { throw IngestError("stride must be at least 1, got \(stride)") }
        guard !inputs.isEmpty, !targets.isEmpty else { throw IngestError("windowing needs at least one input and one target column") }
        let rowCount = inputs[0].count
        guard (inputs + targets).allSatisfy({ $0.count == rowCount }) else {
            throw IngestError("input and target columns must all have the same number of rows")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw IngestError("rows \(rows.lowerBound)..<\(rows.upperBound) lie outside the \(rowCount) rows of the series")
        }
        let count = windowCount(rows: rows, timesteps: timesteps, horizon: horizon, stride: stride)
        guard count > 0 else {
            throw IngestError("rows \(rows.lowerBound)..<\(rows.upperBound) (\(rows.count) rows) are too few for one window of \(timesteps) timesteps + \(horizon) horizon")
        }
        let inputDim = inputs.count, targetDim = targets.count
        var x = [Float](repeating: 0, count: count * timesteps * inputDim)
        var y = [Float](repeating: 0, count: count * horizon * targetDim)
        var starts: [Int] = []
        starts.reserveCapacity(count)
        for n in 0..<count {
            let s = rows.lowerBound + n * stride
            for t in 0..<timesteps {
                let base = (n * timesteps + t) * inputDim
                for c in 0..<inputDim { x[base + c] = inputs[c][s + t] }
            }
            for h in 0..<horizon {
                let base = (n * horizon + h) * targetDim
                for c in 0..<targetDim { y[base + c] = targets[c][s + timesteps + h] }
            }
            starts.append(s + timesteps)
        }
        return WindowSet(inputs: x, targets: y, count: count, timesteps: timesteps, inputDim: inputDim,
                         horizon: horizon, targetDim: targetDim, targetStartRows: starts)
    }

    /// The input window that ends just before row `end` (shape (1, timesteps, inputDim)), to
    /// forecast rows `end ..< end + horizon`; `end` = row count forecasts past the data.
    public static func inputWindow(inputs: [[Float]], timesteps: Int, endingBefore end: Int) throws -> [Float] {
        guard timesteps >= 1, end - timesteps >= 0, let rowCount = inputs.first?.count, end <= rowCount else {
            throw IngestError("need \(timesteps) rows before row \(end) for an input window")
        }
        var x: [Float] = []
        x.reserveCapacity(timesteps * inputs.count)
        for r in (end - timesteps)..<end {
            for column in inputs { x.append(column[r]) }
        }
        return x
    }
}
