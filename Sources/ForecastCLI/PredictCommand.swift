import ArgumentParser
import Forecast
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next horizon after the end of a CSV file with a trained model.",
        discussion: """
        Examples:
          forecast predict runs/air/model.safetensors datasets/airpassengers_monthly.csv
          forecast predict model.safetensors latest.csv --json
        """
    )

    @Argument(help: "A model file written by forecast train or backtest.")
    var model: String

    @Argument(help: "CSV file with the columns the model was trained on.")
    var file: String

    @Option(help: "Also write the forecast as CSV (timestamp,target,step,predicted, and lo-80,hi-80,... with intervals) to this file.")
    var csv: String?

    @OptionGroup var read: ReadOptions

    @OptionGroup var intervals: LevelOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let loaded = try ForecastModel.load(path: model)
            let table = try Forecaster.readTable(path: file, config: loaded.config,
                                                 options: try read.csvOptions(hint: loaded.config.dateFormat))
            // What the reader did to the data (filled cells, reversed order, symbols dropped)
            // changes the forecast: say it, on stderr so that --json and --csv stay clean.
            if !output.quiet {
                for note in RunArtifacts.notes(table) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
            }
            let levels = try intervals.fractions()
            let points = try Forecaster(model: loaded).predict(table, levels: levels)
            // Every point has the same levels, or (a model without calibration) none.
            let shown = points.first?.bounds.map(\.level) ?? []
            if let csv {
                let header = (["timestamp,target,step,predicted"] + IntervalBound.columns(levels: shown)).joined(separator: ",")
                let body = points.map { p in
                    ([Escaping.csvField(p.timestamp), Escaping.csvField(p.target), String(p.step), NumberFormat.roundTrip(p.value)]
                        + p.bounds.flatMap { [NumberFormat.roundTrip($0.lower), NumberFormat.roundTrip($0.upper)] }).joined(separator: ",")
                }
                try AtomicFile.write(([header] + body).joined(separator: "\n") + "\n", to: csv)
            }
            if output.json {
                print(try jsonText(points))
            } else if !output.quiet {
                let steps = loaded.config.horizon == 1 ? "1 step" : "\(loaded.config.horizon) steps"
                print("forecast after \(table.timeString(at: table.rowCount - 1)) (\(steps)):")
                if !levels.isEmpty && shown.isEmpty {
                    print("(no intervals: the model was trained without validation rows to calibrate them, or by an older version)")
                }
                var rows = [["time", "target", "forecast"] + IntervalBound.columns(levels: shown)]
                for p in points {
                    rows.append([p.timestamp, p.target, NumberFormat.display(p.value, significantDigits: 6)]
                                + p.bounds.flatMap { [NumberFormat.display($0.lower, significantDigits: 6), NumberFormat.display($0.upper, significantDigits: 6)] })
                }
                let widths = rows[0].indices.map { j in rows.map { $0[j].count }.max()! }
                for row in rows {
                    print(row.enumerated().map { j, cell in j < 2 ? cell.padding(toLength: widths[j], withPad: " ", startingAt: 0)
                                                          : String(repeating: " ", count: widths[j] - cell.count) + cell }.joined(separator: "  "))
                }
            }
        }
    }
}
