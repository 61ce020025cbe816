import ArgumentParser
import Forecast
import Foundation

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Rolling-origin backtest: retrain, forecast each fold's horizon, score against naive baselines.",
        discussion: """
        Folds start at --start (a fraction of the rows, a row index, or a time stamp; by default \
        where the last --folds folds fit) and move by --stride rows (default: the horizon). Each \
        fold trains only on rows before its origin: all of them (expanding) or the last \
        --train-length (sliding). The output folder receives \
        predictions.csv, metrics.json, metrics.md, backtest.svg, loss.svg, report.html and the \
        last fold's model.safetensors. FILE may be a folder of CSV files: one backtest per \
        series, in OUT/<series>/, and a summary over all of them. With --distributed, under \
        mpirun (a build with --traits MPI), folds (or series) are spread over the ranks; rank 0 \
        writes.

        Examples:
          forecast backtest datasets/sunspots_monthly.csv --target sunspots --horizon 12 --out runs/sunspots
          forecast backtest datasets/taylor_electricity_halfhourly.csv --target demand_mw --timesteps 96 --horizon 48 --start 0.9 --retrain 2
          forecast backtest datasets/msft_daily_ohlcv.csv --target adj_close --start 2012-01-03 --train-length 1000 --retrain never
          mpirun -np 2 forecast backtest datasets/eustockmarkets --target close --horizon 5 --distributed
        """
    )

    @Argument(help: "CSV file with a time column and numeric columns, or a folder of them (one series each).")
    var file: String

    @OptionGroup var model: ModelOptions

    @OptionGroup var read: ReadOptions

    @Option(help: "First forecast origin: a fraction in (0, 1), a row index, or a time stamp (default: see --folds).")
    var start: String?

    @Option(parsing: .unconditional, help: "Without --start: place this many folds at the end of the data.")
    var folds = 5

    @Option(parsing: .unconditional, help: "Rows between fold origins (default: the horizon).")
    var stride: Int?

    @Option(parsing: .unconditional, help: "Train each fold on only the last N rows before its origin (sliding window).")
    var trainLength: Int?

    @Option(help: "Retrain every fold (every), every K folds (a number), or once (never).")
    var retrain = "every"

    @Flag(help: "Start each retraining from the previous fold's weights.")
    var warmStart = false

    @Option(parsing: .unconditional, help: "Seasonal period for the seasonal-naive baseline and MASE (default: inferred).")
    var season: Int?

    @Option(parsing: .unconditional, help: "Independent folds trained at once, one thread each (default: the cores, shared between the ranks on a host).")
    var parallelFolds: Int?

    @OptionGroup var intervals: LevelOptions

    @Option(help: "Output folder.")
    var out = "runs/backtest"

    @OptionGroup var output: OutputOptions

    @OptionGroup var distributed: DistributedOptions

    func options(rowCount: Int, horizon: Int) throws -> BacktestOptions {
        var o = BacktestOptions()
        guard folds >= 1 else { throw ValidationError("--folds must be at least 1") }
        guard let start else {
            o.start = .index(max(0, rowCount - horizon - (folds - 1) * (stride ?? horizon)))
            return try finish(o)
        }
        if let f = Double(start), f > 0, f < 1, start.contains(".") {
            o.start = .fraction(f)
        } else if let i = Int(start) {
            guard i >= 0 else { throw ValidationError("--start must not be negative") }
            o.start = .index(i)
        } else {
            o.start = .date(start)
        }
        return try finish(o)
    }

    private func finish(_ o: BacktestOptions) throws -> BacktestOptions {
        var o = o
        if let stride { guard stride >= 1 else { throw ValidationError("--stride must be at least 1") } }
        o.stride = stride
        if let trainLength {
            guard trainLength >= 1 else { throw ValidationError("--train-length must be at least 1") }
            o.window = .sliding(trainLength: trainLength)
        }
        switch retrain {
        case "every": o.retrain = .everyFold
        case "never": o.retrain = .never
        default:
            guard let k = Int(retrain), k >= 1 else { throw ValidationError("--retrain must be every, never or a positive number") }
            o.retrain = k == 1 ? .everyFold : .every(k)
        }
        o.warmStart = warmStart
        if let season { guard season >= 1 else { throw ValidationError("--season must be at least 1") } }
        if let parallelFolds { guard (1...256).contains(parallelFolds) else { throw ValidationError("--parallel-folds must be between 1 and 256") } }
        o.season = season
        o.levels = try intervals.fractions()
        return o
    }

    func run() throws {
        try Distribution.run(distributed) { d in
            // A bad --out stops the run now, not after every fold has trained.
            try d.together { () throws -> Void in if d.writes { try RunArtifacts.checkWritable(out) } }
            if SeriesFolder.isFolder(file) { return try runFolder(d) }
            let (table, config, options) = try d.together { try inputs(file, d) }
            let progress = Progress(quiet: output.quiet || output.json || !d.writes)
            let forecaster = try Forecaster(config: config)
            forecaster.collective = d.collective
            let result = try forecaster.backtest(table, options: options) { progress.message($0) }
            try d.together {
                guard d.writes else { return }
                let artifacts = try RunArtifacts.backtest(result, lastModel: result.lastModel, config: config, table: table,
                                                          source: (file as NSString).lastPathComponent)
                try artifacts.write(to: out, force: output.force)
                if output.json {
                    print(try jsonText(result.report))
                } else if !output.quiet {
                    let on = d.ranks > 1 ? " on \(d.ranks) ranks" : ""
                    print("backtest of \(config.targets.joined(separator: ",")) in \(file)\(on): \(result.folds.count) folds, horizon \(config.horizon)")
                    print(ErrorTable.text(result.report.overall, rows: result.records.count / config.targets.count, season: result.season))
                    print("wrote \(artifacts.names.joined(separator: ", ")) to \(out)/")
                }
            }
        }
    }

    /// One CSV file read with the model flags, its configuration and the backtest options.
    private func inputs(_ path: String, _ d: Distribution) throws -> (Table, ForecastConfig, BacktestOptions) {
        let table = try Forecaster.readTable(path: path, config: try model.config(), options: try read.csvOptions())
        var config = try model.config(for: table)
        config.dateFormat = table.dateFormat?.description
        var options = try self.options(rowCount: table.rowCount, horizon: config.horizon)
        options.parallelFolds = parallelFolds ?? d.defaultThreads
        return (table, config, options)
    }

    /// A folder of CSV files: one backtest per series, spread over the ranks.
    private func runFolder(_ d: Distribution) throws {
        let folder = try d.together { try SeriesFolder(file) }
        let progress = Progress(quiet: output.quiet || output.json || !d.writes)
        let rows = try folder.run(d, out: out, force: output.force, kind: "Backtest", progress: progress) { path in
            let (table, config, options) = try inputs(path, d)
            let result = try Forecaster(config: config).backtest(table, options: options)
            let artifacts = try RunArtifacts.backtest(result, lastModel: result.lastModel, config: config, table: table,
                                                      source: (path as NSString).lastPathComponent)
            return (SeriesSummary(series: SeriesFolder.seriesName(path), file: path, forecasts: result.records.count,
                                  metrics: result.report.overall), artifacts)
        }
        try SeriesFolder.report(rows, d, out: out, output: output, kind: "Backtest")
    }
}
