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

    @Option(help: "Also write the forecast as CSV (timestamp,target,step,predicted) to this file.")
    var csv: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let loaded = try ForecastModel.load(path: model)
            let table = try Forecaster.readTable(path: file, config: loaded.config)
            let points = try Forecaster(model: loaded).predict(table)
            if let csv {
                let body = points.map { "\(Escaping.csvField($0.timestamp)),\(Escaping.csvField($0.target)),\($0.step),\(NumberFormat.roundTrip($0.value))" }
                try AtomicFile.write((["timestamp,target,step,predicted"] + body).joined(separator: "\n") + "\n", to: csv)
            }
            if output.json {
                print(try jsonText(points))
            } else if !output.quiet {
                print("forecast after \(table.timeString(at: table.rowCount - 1)) (\(loaded.config.horizon) steps):")
                for p in points { print("\(p.timestamp)  \(p.target)  \(NumberFormat.display(p.value, significantDigits: 6))") }
            }
        }
    }
}
