import ArgumentParser
import Forecast

@main
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Time-series forecasting with LSTM, GRU and RNN networks.",
        version: forecastVersion,
        subcommands: [TrainCommand.self, PredictCommand.self, BacktestCommand.self, EvaluateCommand.self,
                      InspectCommand.self, DescribeCommand.self, BenchCommand.self]
    )
}
