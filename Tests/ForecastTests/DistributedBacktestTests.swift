import Forecast
import Foundation
import TestSupport
import Testing

/// Backtests and fits spread over ranks, with ranks as threads (`ThreadCollective`); the MPI
/// transport is tested end to end in CLITests/DistributedCLITests.
@Suite("Distributed backtest")
struct DistributedBacktestTests {
    static func config(threads: Int = 1) -> ForecastConfig {
        var c = ForecastConfig(inputs: ["value", "other"], targets: ["value"])
        c.timesteps = 14
        c.horizon = 3
        c.hidden = 8
        c.epochs = 6
        c.learningRate = 0.01
        c.seed = 3
        c.threads = threads
        return c
    }

    static func options(warmStart: Bool = false) -> BacktestOptions {
        var o = BacktestOptions()
        o.start = .index(170)
        o.stride = 9
        o.season = 7
        o.parallelFolds = 1
        o.warmStart = warmStart
        return o
    }

    static func table(seed: UInt64 = 1, rows: Int = 200) throws -> Table {
        try CSVReader.read(string: seasonalCSV(rows: rows, seed: seed), name: "seasonal.csv")
    }

    struct Outcome: Sendable {
        let records: [ForecastRecord]
        let perFold: [FoldMetrics]
        let folds: [Int]
        let lastWeights: [Float]
    }

    static func backtest(_ config: ForecastConfig, _ options: BacktestOptions, collective: Collective? = nil,
                         table: Table? = nil) throws -> Outcome {
        let f = try Forecaster(config: config)
        f.collective = collective
        let r = try f.backtest(try table ?? Self.table(), options: options)
        return Outcome(records: r.records, perFold: r.report.perFold, folds: r.histories.keys.sorted(),
                       lastWeights: r.lastModel.network!.parameters.allValues)
    }

    @Test("independent folds spread over 3 ranks give the single-process records, per-fold metrics and last model")
    func spreadFolds() throws {
        let single = try Self.backtest(Self.config(), Self.options())
        #expect(single.folds.count == 4)
        for r in ThreadCollective.run(ranks: 3, { c in try Self.backtest(Self.config(), Self.options(), collective: c) }) {
            let o = try r.get()
            #expect(o.records == single.records)
            #expect(o.perFold == single.perFold)
            #expect(o.folds == single.folds)
            #expect(o.lastWeights == single.lastWeights)
        }
    }

    @Test("warm-started folds train data-parallel: 2 ranks × 1 thread equal 1 process × 2 threads")
    func warmStartIsDataParallel() throws {
        let single = try Self.backtest(Self.config(threads: 2), Self.options(warmStart: true))
        for r in ThreadCollective.run(ranks: 2, { c in try Self.backtest(Self.config(), Self.options(warmStart: true), collective: c) }) {
            let o = try r.get()
            #expect(o.records == single.records)
            #expect(o.lastWeights == single.lastWeights)
        }
    }

    @Test("a rank that read other data makes every rank fail; rank 0 says why")
    func otherDataIsRefused() throws {
        let results = ThreadCollective.run(ranks: 2) { c in
            try Self.backtest(Self.config(), Self.options(), collective: c, table: try Self.table(seed: c.rank == 0 ? 1 : 2))
        }
        #expect(throws: DistributedError.self) { try results[0].get() }
        if case .failure(let e) = results[0] { #expect("\(e)".contains("rank 1 read other data than rank 0")) }
        #expect(throws: DistributedError.peerFailed(rank: 0)) { try results[1].get() }
    }

    @Test("fit: a rank whose data is too short fails with its own error, the other with peerFailed, and neither hangs")
    func fitFailureOnOneRank() throws {
        let results = ThreadCollective.run(ranks: 2) { c in
            let f = try Forecaster(config: Self.config())
            f.collective = c
            try f.fit(try Self.table(rows: c.rank == 1 ? 12 : 200))
        }
        #expect(throws: DistributedError.peerFailed(rank: 1)) { try results[0].get() }
        #expect(throws: ForecastError.self) { try results[1].get() }
    }
}
