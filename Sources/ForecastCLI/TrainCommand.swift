import ArgumentParser
import Forecast
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a CSV file and report its error on the held-out latest rows.",
        discussion: """
        The latest --validation fraction of the rows is held out: it drives early stopping and \
        is scored against the naive and seasonal-naive forecasts. The output folder receives \
        model.safetensors, metrics.json, metrics.md, predictions.csv, forecast.svg, loss.svg and \
        report.html.

        Ctrl-C (or SIGTERM) stops after the current batch and writes checkpoint.json to the output \
        folder; --resume FOLDER continues from it and ends with the same model as an \
        uninterrupted run.

        FILE may be a folder of CSV files: one model per series, in OUT/<series>/, and a summary \
        over all of them. With --distributed, under mpirun (a build with --traits MPI), every \
        batch is cut over the ranks, or a folder's series spread over them; rank 0 writes.

        Examples:
          forecast train datasets/airpassengers_monthly.csv --target passengers_thousands --timesteps 12 --out runs/air
          forecast train datasets/msft_daily_ohlcv.csv --target adj_close --inputs adj_close,volume --cell gru --horizon 5
          forecast train Tests/BrokerExports/msft_us_newest_first.csv --target Close --horizon 5
          forecast train export.csv --target Close --date-format %d.%m.%Y --sort
          forecast train --resume runs/air
          mpirun -np 2 forecast train datasets/sunspots_monthly.csv --target sunspots --distributed
        """
    )

    @Argument(help: "CSV file with a time column and numeric columns, or a folder of them (one model per series; not with --resume).")
    var file: String?

    @Option(help: "Continue the interrupted run whose checkpoint.json is in this folder, with its data file and settings.")
    var resume: String?

    @OptionGroup var model: ModelOptions

    @OptionGroup var read: ReadOptions

    @Option(help: "Output folder.")
    var out = "runs/train"

    @OptionGroup var output: OutputOptions

    @OptionGroup var distributed: DistributedOptions

    func validate() throws {
        if resume != nil && file != nil { throw ValidationError("--resume takes its data file from the checkpoint; give no FILE") }
        if resume == nil && file == nil { throw ValidationError("give a CSV file to train on, or --resume FOLDER") }
        if resume != nil {
            let ignored = Self.changedFlags(model, from: try ModelOptions.parse([])) + Self.changedFlags(read, from: try ReadOptions.parse([]))
                + (out != "runs/train" ? ["--out"] : [])
            if !ignored.isEmpty {
                throw ValidationError("--resume continues the run with the settings in its checkpoint; leave out \(ignored.joined(separator: ", "))")
            }
        }
    }

    /// The flags of `options` whose values differ from `defaults`, as `--kebab-case` names: what
    /// a resumed run would silently ignore.
    static func changedFlags<T>(_ options: T, from defaults: T) -> [String] {
        zip(Mirror(reflecting: options).children, Mirror(reflecting: defaults).children).compactMap { given, base in
            guard let label = given.label, String(describing: given.value) != String(describing: base.value) else { return nil }
            let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
            return "--" + name.reduce(into: "") { text, ch in text += ch.isUppercase ? "-" + ch.lowercased() : String(ch) }
        }
    }

    func run() throws {
        try Distribution.run(distributed) { d in
            // A bad --out stops the run now, not after training.
            let folder = resume ?? self.out
            try d.together { () throws -> Void in if d.writes { try RunArtifacts.checkWritable(folder) } }
            if resume == nil, let file, SeriesFolder.isFolder(file) { return try runFolder(d, folder: file) }
            let (file, out, state, table, config) = try d.together { () throws -> (String, String, TrainingState?, Table, ForecastConfig) in
                if let resume {
                    let checkpoint = try TrainingCheckpoint.read(folder: resume)
                    // The same file, so the format it was read with the first time (nil: ISO 8601 or an index).
                    let options = CSVOptions(sortAndDeduplicate: checkpoint.sort ?? false,
                                             dateFormat: try checkpoint.config.dateFormat.map(CSVOptions.DateFormat.init) ?? .auto)
                    let table = try Forecaster.readTable(path: checkpoint.file, config: checkpoint.config, options: options)
                    return (checkpoint.file, resume, checkpoint.state, table, checkpoint.config)
                }
                let (table, config) = try inputs(self.file!, d)
                return (self.file!, self.out, nil, table, config)
            }
            let progress = Progress(quiet: output.quiet || output.json || !d.writes)
            let forecaster = try Forecaster(config: config)
            forecaster.collective = d.collective
            let stop = StopSignal.install()
            let history: TrainingHistory
            do {
                history = try forecaster.fit(table, resumingFrom: state, progress: { progress.epoch($0, of: forecaster.plannedEpochs) },
                                             stopRequested: { stop.requested })
            } catch RecurrentError.interrupted(let epoch, let batch) {
                progress.finish()
                try d.together {
                    guard d.writes else { return }
                    var a = RunArtifacts()
                    a.add(TrainingCheckpoint.fileName,
                          bytes: try TrainingCheckpoint(file: file, config: config, state: forecaster.interruptedState!,
                                                        sort: read.sort).encoded())
                    try a.write(to: out, force: output.force)
                    let message = "interrupted in epoch \(epoch) after batch \(batch): wrote \(out)/\(TrainingCheckpoint.fileName); "
                        + "continue with: \(d.ranks > 1 ? "mpirun -np \(d.ranks) " : "")forecast train --resume \(out)\(d.ranks > 1 ? " --distributed" : "")\n"
                    FileHandle.standardError.write(Data(message.utf8))
                }
                throw ExitCode(130)
            }
            progress.finish()
            try d.together {
                guard d.writes else { return }
                try writeResults(forecaster: forecaster, history: history, table: table, config: config, file: file, out: out,
                                 ranks: d.ranks)
            }
        }
    }

    /// The output files of a trained model, with the held-out rows evaluated (without intervals:
    /// those rows calibrated them, so their coverage there would say nothing).
    static func results(forecaster: Forecaster, history: TrainingHistory, table: Table,
                        file: String) throws -> (RunArtifacts, EvaluationResult?) {
        let config = forecaster.config
        let validationStart = table.rowCount - Int((Double(table.rowCount) * config.validationFraction).rounded())
        let evaluation = validationStart < table.rowCount && validationStart >= config.timesteps
            ? try? forecaster.evaluate(table, rows: validationStart..<table.rowCount,
                                      stride: Forecaster.evaluationStride(rows: table.rowCount - validationStart, horizon: config.horizon),
                                      levels: []) : nil
        let artifacts = try RunArtifacts.training(model: forecaster.model!, history: history, evaluation: evaluation,
                                                  table: table, source: (file as NSString).lastPathComponent)
        return (artifacts, evaluation)
    }

    /// One CSV file read with the model flags, and its configuration (threads: this rank's share
    /// of the host's cores unless --threads says otherwise).
    private func inputs(_ path: String, _ d: Distribution) throws -> (Table, ForecastConfig) {
        let table = try Forecaster.readTable(path: path, config: try model.config(), options: try read.csvOptions())
        var config = try model.config(for: table)
        config.dateFormat = table.dateFormat?.description
        if config.threads == nil { config.threads = d.defaultThreads }
        return (table, config)
    }

    /// A folder of CSV files: one model per series, spread over the ranks.
    private func runFolder(_ d: Distribution, folder path: String) throws {
        let folder = try d.together { try SeriesFolder(path) }
        let progress = Progress(quiet: output.quiet || output.json || !d.writes)
        let rows = try folder.run(d, out: out, force: output.force, kind: "Training", progress: progress) { file in
            let (table, config) = try inputs(file, d)
            let forecaster = try Forecaster(config: config)
            let history = try forecaster.fit(table)
            let (artifacts, evaluation) = try Self.results(forecaster: forecaster, history: history, table: table, file: file)
            return (SeriesSummary(series: SeriesFolder.seriesName(file), file: file,
                                  forecasts: evaluation.map { $0.records.count }, metrics: evaluation?.report.overall), artifacts)
        }
        try SeriesFolder.report(rows, d, out: out, output: output, kind: "Training")
    }

    /// Rank 0's part: the held-out evaluation, the output folder and the summary.
    private func writeResults(forecaster: Forecaster, history: TrainingHistory, table: Table, config: ForecastConfig,
                              file: String, out: String, ranks: Int) throws {
        let (artifacts, evaluation) = try Self.results(forecaster: forecaster, history: history, table: table, file: file)
        try artifacts.write(to: out, force: output.force)
        try? FileManager.default.removeItem(atPath: (out as NSString).appendingPathComponent(TrainingCheckpoint.fileName))
        let summary = TrainSummary(model: (out as NSString).appendingPathComponent("model.safetensors"),
                                   epochs: history.epochs.count, bestEpoch: history.bestEpoch,
                                   validation: evaluation?.report.overall, files: artifacts.names)
        if output.json {
            print(try jsonText(summary))
        } else if !output.quiet {
            let on = ranks > 1 ? " on \(ranks) ranks × \(config.threads ?? 1) threads" : ""
            print("trained \(config.cell.rawValue.uppercased()) on \(table.rowCount) rows of \(file)\(on): \(history.epochs.count) epochs, best \(history.bestEpoch)")
            if let m = evaluation?.report.overall {
                print(ErrorTable.text(m, rows: evaluation!.records.count / config.targets.count, season: evaluation!.season))
            }
            print("wrote \(artifacts.names.joined(separator: ", ")) to \(out)/")
        }
    }
}

struct TrainSummary: Encodable {
    let model: String
    let epochs: Int
    let bestEpoch: Int
    let validation: MetricComparison?
    let files: [String]
}

/// A small text table of model vs baselines.
enum ErrorTable {
    static func text(_ m: MetricComparison, rows: Int, season: Int) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%10.4f", $0) } ?? "         -" }
        let ets = m.classical.count > 0
        var lines = ["held-out error over \(rows) forecast steps (original units):",
                     "               model      naive  seasonal(\(season))" + (ets ? "        ETS" : "")]
        for (name, a, b, c, d) in [("MAE", m.model.mae, m.naive.mae, m.seasonalNaive.mae, m.classical.mae),
                                   ("RMSE", m.model.rmse, m.naive.rmse, m.seasonalNaive.rmse, m.classical.rmse),
                                   ("MASE", m.model.mase, m.naive.mase, m.seasonalNaive.mase, m.classical.mase)] {
            lines.append(name.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + f(a) + " " + f(b) + " " + f(c) + (ets ? " " + f(d) : ""))
        }
        return lines.joined(separator: "\n")
    }
}
