import ArgumentParser
import Forecast
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a trained model on the latest rows of a CSV file, without retraining.",
        discussion: """
        Forecasts from every --stride rows (default: the horizon, widened on long files so that \
        at most 1,000 origins are scored) from --start on, each from the \
        rows before it, and compares with the naive and seasonal-naive forecasts.

        Examples:
          forecast evaluate runs/air/model.safetensors datasets/airpassengers_monthly.csv --start 0.8
        """
    )

    @Argument(help: "A model file written by forecast train or backtest.")
    var model: String

    @Argument(help: "CSV file with the columns the model was trained on.")
    var file: String

    @Option(help: "First evaluated row: a fraction in (0, 1) or a row index.")
    var start = "0.8"

    @Option(parsing: .unconditional, help: "Rows between forecast origins (default: the horizon).")
    var stride: Int?

    @OptionGroup var read: ReadOptions

    @OptionGroup var intervals: LevelOptions

    @Option(help: "Output folder for predictions.csv, metrics.json, metrics.md and report.html.")
    var out: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            if let out { try RunArtifacts.checkWritable(out) }
            let loaded = try ForecastModel.load(path: model)
            let table = try Forecaster.readTable(path: file, config: loaded.config,
                                                 options: try read.csvOptions(hint: loaded.config.dateFormat))
            let first: Int
            if let f = Double(start), start.contains("."), f > 0, f < 1 {
                first = Int((Double(table.rowCount) * f).rounded())
            } else if let i = Int(start), i >= 0 {
                first = i
            } else {
                throw ValidationError("--start must be a fraction in (0, 1) or a row index, got \(start)")
            }
            let result = try Forecaster(model: loaded).evaluate(table, rows: first..<table.rowCount,
                                                                     stride: stride ?? Forecaster.evaluationStride(rows: table.rowCount - first, horizon: loaded.config.horizon),
                                                                     levels: try intervals.fractions())
            if let out {
                var a = RunArtifacts()
                a.addEvaluation(result.records, result.report)
                let target = loaded.config.targets[0]
                let chart = RunArtifacts.forecastChart(table: table, records: result.records, target: target,
                                                       title: "\(target): forecasts from \(result.origins.count) origin(s)")
                a.add("forecast.svg", chart.render())
                a.add("report.html", HTMLReport(title: "Evaluation: \((file as NSString).lastPathComponent)",
                                                configuration: RunArtifacts.configurationRows(loaded.config, extra: []),
                                                evaluation: result.report,
                                                figures: [HTMLReport.Figure(caption: "Actual and forecast values", chart: chart)]).render())
                try a.write(to: out, force: output.force)
            }
            if output.json {
                print(try jsonText(result.report))
            } else if !output.quiet {
                print(ErrorTable.text(result.report.overall, rows: result.records.count / loaded.config.targets.count, season: result.season))
            }
        }
    }
}
