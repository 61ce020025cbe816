/// How much history each backtest fold trains on.
public enum BacktestWindow: Sendable, Equatable {
    /// All rows before the origin.
    case expanding
    /// The `trainLength` rows just before the origin.
    case sliding(trainLength: Int)
}

/// Where the first forecast origin (the first test row) is.
public enum BacktestStart: Sendable, Equatable {
    case index(Int)
    /// Share of all rows, rounded to the nearest row.
    case fraction(Double)
    /// First row at or after this time stamp (written like the time column).
    case date(String)
}

/// One backtest fold: train on `train`, forecast `test` (the `horizon` rows after it).
public struct BacktestFold: Sendable, Equatable {
    public var index: Int
    public var train: Range<Int>
    public var test: Range<Int>

    public init(index: Int, train: Range<Int>, test: Range<Int>) {
        self.index = index
        self.train = train
        self.test = test
    }
    /// First test row.
    public var origin: Int { test.lowerBound }
}

public enum RollingOrigins {
    /// Folds with origins `start`, `start + stride`, ... as long as a full `horizon` of test
    /// rows remains. Training always ends at the origin, so no fold trains on its test rows.
    public static func folds(time: TimeAxis, window: BacktestWindow, start: BacktestStart, stride: Int, horizon: Int) throws -> [BacktestFold] {
        let n = time.count
        guard stride >= 1 else { throw IngestError("backtest stride must be at least 1, got \(stride)") }
        guard horizon >= 1 else { throw IngestError("backtest horizon must be at least 1, got \(horizon)") }
        var first: Int
        switch start {
        case .index(let i): first = i
        case .fraction(let f):
            guard f > 0 && f < 1 else { throw IngestError("backtest start fraction must be in (0, 1), got \(f)") }
            first = Int((Double(n) * f).rounded())
        case .date(let text):
            let t = try time.parse(text)
            guard let i = time.values.firstIndex(where: { $0 >= t }) else {
                throw IngestError("backtest start \(text) is after the last time stamp \(n > 0 ? time.string(at: n - 1) : "")")
            }
            first = i
        }
        guard first >= 1 else { throw IngestError("backtest needs at least one training row before the first origin (row \(first))") }
        if case .sliding(let length) = window {
            guard length >= 1 else { throw IngestError("sliding training length must be at least 1, got \(length)") }
            guard first >= length else {
                throw IngestError("a sliding window of \(length) training rows needs the first origin at row \(length) or later, got row \(first)")
            }
        }
        guard first + horizon <= n else {
            throw IngestError("no backtest fold fits: first origin at row \(first) + horizon \(horizon) exceeds the \(n) rows")
        }
        var folds: [BacktestFold] = []
        var origin = first
        while origin + horizon <= n {
            let trainStart: Int
            switch window {
            case .expanding: trainStart = 0
            case .sliding(let length): trainStart = origin - length
            }
            folds.append(BacktestFold(index: folds.count, train: trainStart..<origin, test: origin..<(origin + horizon)))
            origin += stride
        }
        return folds
    }
}
