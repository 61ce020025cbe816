// Forecast a year of airline passengers with the library, the way README.md shows.
//
//     swift run -c release library-example [DATA.csv] [MODEL.safetensors]
//
// DATA defaults to datasets/airpassengers_monthly.csv, MODEL to air-gru.safetensors.
import Forecast
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let path = arguments.first ?? "datasets/airpassengers_monthly.csv"
let modelPath = arguments.count > 1 ? arguments[1] : "air-gru.safetensors"

var config = ForecastConfig(targets: ["passengers_thousands"])
config.timesteps = 24
config.horizon = 12
config.cell = .gru
config.hidden = 16
config.learningRate = 0.005
config.epochs = 200
config.patience = 30

do {
    let table = try Forecaster.readTable(path: path, config: config)
    let forecaster = try Forecaster(config: config)

    // Score the configuration first: three folds of rolling-origin backtest.
    var options = BacktestOptions()
    options.start = .index(table.rowCount - 3 * config.horizon)
    let backtest = try forecaster.backtest(table, options: options)
    let m = backtest.report.overall
    print("backtest MAE \(m.model.mae ?? .nan) vs seasonal naive \(m.seasonalNaive.mae ?? .nan)")

    // Then train on everything and forecast the next year.
    try forecaster.fit(table)
    for point in try forecaster.predict(table) {
        print(point.timestamp, point.value)
    }
    try forecaster.model!.save(to: modelPath)
    print("saved \(modelPath)")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
