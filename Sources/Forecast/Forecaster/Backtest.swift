import Foundation

/// How a rolling-origin backtest runs, after Darts' `historical_forecasts` and sktime's splitters.
public struct BacktestOptions: Sendable, Equatable {
    public enum Retrain: Sendable, Equatable {
        /// Train a model for every fold.
        case everyFold
        /// Train on folds 0, k, 2k, ...; the folds between reuse the last model.
        case every(Int)
        /// Train once, on the first fold's training rows.
        case never
    }

    /// First forecast origin: row index, fraction of the rows, or a time stamp.
    public var start: BacktestStart = .fraction(0.8)
    /// Rows between origins; nil means the horizon (non-overlapping forecasts).
    public var stride: Int? = nil
    /// Expanding (all history) or sliding (the last `trainLength` rows) training window.
    public var window: BacktestWindow = .expanding
    public var retrain: Retrain = .everyFold
    /// Start each retraining from the previous fold's weights.
    public var warmStart = false
    /// Seasonal period for the seasonal-naive baseline and MASE; nil infers it.
    public var season: Int? = nil
    /// Train independent folds on this many threads at once.
    public var parallelFolds = 2
    /// Prediction-interval levels (fractions) of every forecast; empty for none.
    public var levels: [Double] = Forecaster.defaultLevels

    public init() {}
}

/// What a backtest produced: the folds, one record per forecast value (with the naive and
/// seasonal-naive baselines beside it), the metrics, and each training run's history.
public struct BacktestResult {
    public let folds: [Ingest.BacktestFold]
    public let records: [ForecastRecord]
    public let report: EvaluationReport
    public let season: Int
    /// Training history by fold, for the folds that trained.
    public let histories: [Int: TrainingHistory]
    /// The model that forecast the last fold: the one to keep after a backtest.
    public let lastModel: ForecastModel
}

extension Forecaster {
    /// Runs a backtest over `table`: for every fold, (re)train as configured on the fold's
    /// training rows only, forecast the `horizon` rows after its origin, and score the forecasts
    /// and the baselines against what happened. Folds that train from scratch are independent
    /// and run on `parallelFolds` threads (and, with a `collective`, spread over the ranks);
    /// warm starts and reused models run in order.
    public func backtest(_ table: Table, options: BacktestOptions = BacktestOptions(),
                         progress: ((String) -> Void)? = nil) throws -> BacktestResult {
        let c = config
        try Self.checkLevels(options.levels)
        let (folds, trains, season) = try collective.together { () throws -> ([Ingest.BacktestFold], [Bool], Int) in
            let folds = try RollingOrigins.folds(time: table.time, window: options.window, start: options.start,
                                                 stride: options.stride ?? c.horizon, horizon: c.horizon)
            guard !folds.isEmpty else { throw ForecastError.notEnoughData("the backtest has no folds: the start leaves no room for a horizon of \(c.horizon)") }
            if case .every(let k) = options.retrain, k < 1 {
                throw ForecastError.invalidConfig("retrain every k folds needs k ≥ 1, got \(k)")
            }
            for fold in folds where fold.train.count < c.timesteps + c.horizon {
                throw ForecastError.notEnoughData("fold \(fold.index) has \(fold.train.count) training rows; one window needs \(c.timesteps + c.horizon)")
            }
            let trains: [Bool] = folds.map { fold in
                switch options.retrain {
                case .everyFold: true
                case .every(let k): fold.index % k == 0
                case .never: fold.index == 0
                }
            }
            let firstTarget = try table.column(named: c.targets[0])
            let season = options.season ?? Self.inferSeason(table: table, series: Array(firstTarget[folds[0].train]))
            return (folds, trains, season)
        }
        if ranks > 1 { try checkSameTable(table) }
        var foldRecords = [[ForecastRecord]](repeating: [], count: folds.count)
        var histories: [Int: TrainingHistory] = [:]
        let lastModel: ForecastModel
        let independent = options.retrain == .everyFold && !options.warmStart
        if independent && (options.parallelFolds > 1 || ranks > 1) {
            // Fold i trains on rank i mod ranks; each rank runs its folds on parallelFolds threads.
            let mine = folds.indices.filter { $0 % ranks == rank }
            let outcomes = try collective.together {
                try FoldRunner.map(mine.indices, threads: options.parallelFolds) { k -> FoldOutcome in
                    let fold = folds[mine[k]]
                    let f = try Forecaster(config: c)
                    let h = try f.fit(table, rows: fold.train)
                    progress?("fold \(fold.index + 1)/\(folds.count): trained on rows \(fold.train.lowerBound)..<\(fold.train.upperBound), \(h.epochs.count) epochs")
                    let baselines = try f.classicalBaselines(table, rows: fold.train, season: season)
                    let records = try f.forecastRecords(table, origin: fold.origin, fold: fold.index, season: season, baselines: baselines, levels: options.levels)
                    let model = mine[k] == folds.count - 1 ? try f.model!.encoded() : nil
                    return FoldOutcome(position: mine[k], history: h, records: records, model: model)
                }
            }
            let everyOutcome = try collective.map { try $0.allGather(outcomes).flatMap { $0 } } ?? outcomes
            for o in everyOutcome {
                foldRecords[o.position] = o.records
                histories[folds[o.position].index] = o.history
            }
            let modelBytes = everyOutcome.first { $0.position == folds.count - 1 }!.model!
            lastModel = try ForecastModel.decode(modelBytes, name: "the last fold's model")
        } else {
            // Folds that depend on each other run in order; with ranks, each training is data-parallel.
            let f = try Forecaster(config: c)
            f.collective = collective
            var baselines: [TargetModels?] = []
            for (i, fold) in folds.enumerated() {
                if trains[i] {
                    let h = try f.fit(table, rows: fold.train, warmStart: options.warmStart)
                    histories[fold.index] = h
                    progress?("fold \(fold.index + 1)/\(folds.count): trained on rows \(fold.train.lowerBound)..<\(fold.train.upperBound), \(h.epochs.count) epochs")
                    baselines = try f.classicalBaselines(table, rows: fold.train, season: season)
                }
                foldRecords[i] = try collective.together {
                    try f.forecastRecords(table, origin: fold.origin, fold: fold.index, season: season, baselines: baselines, levels: options.levels)
                }
            }
            lastModel = f.model!
        }
        let records = foldRecords.flatMap { $0 }
        var ranges: [Int: Range<Int>] = [:]
        for fold in folds { ranges[fold.index] = fold.train }
        let training = try trainingContexts(table, season: season, foldRanges: ranges)
        return BacktestResult(folds: folds, records: records, report: EvaluationReport(records: records, training: training),
                              season: season, histories: histories, lastModel: lastModel)
    }

    var ranks: Int { collective?.size ?? 1 }
    var rank: Int { collective?.rank ?? 0 }

    /// Every rank must have read the same rows and values: folds trained on different ranks
    /// would otherwise be scored together without anyone noticing that a host read another file.
    /// A collective call: it throws on every rank or on none; rank 0 says why.
    func checkSameTable(_ table: Table) throws {
        var digest = [UInt64(table.rowCount)]
        for name in config.columns {
            // A missing column must not throw here, on one rank only, while the others gather.
            let column = (try? table.column(named: name)) ?? []
            digest.append(UInt64(column.withUnsafeBytes { CRC32.checksum($0) }) | (column.isEmpty ? 1 << 32 : 0))
        }
        digest.append(UInt64(CRC32.checksum((0..<table.rowCount).flatMap { Array(table.timeString(at: $0).utf8) })))
        let all = try collective!.allGather(digest)
        if let other = all.indices.first(where: { all[$0] != all[0] }) {
            guard rank == 0 else { throw DistributedError.peerFailed(rank: 0) }
            throw DistributedError.mismatch("rank \(other) read other data than rank 0 (rows or values differ); every rank must read the same file")
        }
    }

    /// The seasonal period from the sampling frequency when it has a natural one (48 for
    /// half-hourly, 12 for monthly, ...), confirmed or overridden by the autocorrelation peak.
    static func inferSeason(table: Table, series: [Double]) -> Int {
        let hint = table.time.isCalendar ? SamplingFrequency(timestamps: table.time.values)?.seasonalPeriod : nil
        return Report.inferSeason(series: series, maxLag: min(series.count / 2, 400), hint: hint)
    }
}

/// What one fold of a backtest produced, as it travels between ranks.
private struct FoldOutcome: Codable {
    /// The fold's position in the backtest's list of folds.
    let position: Int
    let history: TrainingHistory
    let records: [ForecastRecord]
    /// The encoded model, for the last fold only (the one a backtest keeps).
    let model: [UInt8]?
}

/// Runs independent jobs on a few threads and returns their results in order; the first error
/// wins. Each job owns its own network and workspace, so nothing is shared but the inputs.
enum FoldRunner {
    static func map<T>(_ indices: Range<Int>, threads: Int, _ job: @escaping (Int) throws -> T) throws -> [T] {
        let state = FoldRunnerState(indices: indices, job: job)
        let workers = max(1, min(threads, indices.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                state.work()
                group.leave()
            }
        }
        group.wait()
        return try state.results.map { try $0!.get() }
    }
}

/// The shared queue of a `FoldRunner.map`: a counter under a lock hands out indices; each result
/// is written once, under the lock, at its own index.
private final class FoldRunnerState<T>: @unchecked Sendable {
    let indices: Range<Int>
    let job: (Int) throws -> T
    var results: [Result<T, Error>?]
    var next: Int
    let lock = NSLock()

    init(indices: Range<Int>, job: @escaping (Int) throws -> T) {
        self.indices = indices
        self.job = job
        results = Array(repeating: nil, count: indices.count)
        next = indices.lowerBound
    }

    func work() {
        while true {
            lock.lock()
            let i = next
            next += 1
            lock.unlock()
            guard i < indices.upperBound else { return }
            let r = Result { try job(i) }
            lock.lock()
            results[i - indices.lowerBound] = r
            lock.unlock()
        }
    }
}
