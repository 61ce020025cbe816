import Forecast
import Foundation
import Testing

/// The default recipe: classical members, the network on adjusted targets, the validated
/// combination, and how it travels in a model file.
@Suite("Recipe")
struct RecipeTests {
    static let airPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../datasets/airpassengers_monthly.csv").standardized.path

    func air() throws -> Table {
        try Forecaster.readTable(path: Self.airPath, config: ForecastConfig(targets: ["passengers_thousands"]))
    }

    @Test("AirPassengers 1960 from 1949–1959 with the defaults: more accurate than statsforecast's AutoETS, AutoARIMA and AutoTheta")
    func airPassengers1960() throws {
        let table = try air()
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 12
        config.timesteps = Forecaster.suggestedTimesteps(for: table)
        var options = BacktestOptions()
        options.start = .index(table.rowCount - 12)
        let result = try Forecaster(config: config).backtest(table, options: options)
        let mape = try #require(result.report.overall.model.mape)
        // statsforecast on the same split (benchmarks/accuracy): AutoETS 7.21 %, AutoARIMA 4.18 %, AutoTheta 3.92 %.
        #expect(mape < 3.9, "MAPE \(mape)")
        // The recipe beats both naive baselines by far on this series.
        let mae = try #require(result.report.overall.model.mae), seasonal = try #require(result.report.overall.seasonalNaive.mae)
        #expect(mae < 0.5 * seasonal)
    }

    @Test("the validated combination keeps the two members with the smallest validation error")
    func validatedWeights() {
        let w = Combination.weights(errors: [.ets: 3, .theta: 1, .ar: 2, .network: 5])
        #expect(w == [.theta: 0.5, .ar: 0.5])
        // Ties go to the earlier member; NaN errors never win.
        #expect(Combination.weights(errors: [.network: 1, .ets: 1, .theta: .nan]) == [.ets: 0.5, .network: 0.5])
        #expect(Combination.weights(errors: [.ar: 4]) == [.ar: 1])
    }

    @Test("a fitted recipe records its parts, saves, reloads and forecasts the same numbers")
    func modelFileRoundTrip() throws {
        let table = try air()
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 6
        config.timesteps = 24
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table, rows: 0..<120)
        let model = try #require(forecaster.model)
        let parts = try #require(model.statistical.first)
        #expect(parts.ets?.spec.season == .multiplicative, "\(String(describing: parts.ets?.spec))")
        #expect(parts.theta?.decomposition?.form == .multiplicative)
        #expect(parts.ar != nil && parts.adjustment?.log == true)
        let weights = try #require(parts.weights)
        #expect(weights.count == 2 && abs(weights.values.reduce(0, +) - 1) < 1e-12)

        let path = NSTemporaryDirectory() + "recipe-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let back = try ForecastModel.load(path: path)
        #expect(back.config == model.config)
        #expect(back.statistical == model.statistical)
        let again = Forecaster(model: back)
        #expect(try again.forecastValues(table, before: 130) == forecaster.forecastValues(table, before: 130))
    }

    @Test("the same seed gives the same recipe forecasts; members can be chosen")
    func reproducibleAndConfigurable() throws {
        let table = try air()
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 4
        config.timesteps = 24
        func forecast(_ c: ForecastConfig) throws -> [[Double]] {
            let f = try Forecaster(config: c)
            try f.fit(table, rows: 0..<110)
            return try f.forecastValues(table, before: 110)
        }
        #expect(try forecast(config) == forecast(config))
        var etsOnly = config
        etsOnly.members = [.ets]
        let f = try Forecaster(config: etsOnly)
        try f.fit(table, rows: 0..<110)
        #expect(f.model?.network == nil)
        let ets = try #require(f.model?.statistical.first?.ets)
        let y = Array(try table.column(named: "passengers_thousands")[0..<110])
        #expect(try f.forecastValues(table, before: 110).map { $0[0] } == ets.forecast(y, horizon: 4))
    }

    @Test("every backtest carries the ETS baseline: the model's own ETS member, or one fitted on each fold")
    func classicalBaselineInBacktests() throws {
        let table = try air()
        var options = BacktestOptions()
        options.start = .index(table.rowCount - 24)
        var etsOnly = ForecastConfig(targets: ["passengers_thousands"])
        etsOnly.members = [.ets]
        etsOnly.horizon = 12
        let a = try Forecaster(config: etsOnly).backtest(table, options: options)
        #expect(a.records.count == 24 && a.records.allSatisfy { $0.classical == $0.predicted })
        #expect(a.report.overall.skill.vsClassical == 0)

        var network = ForecastConfig(targets: ["passengers_thousands"])
        network.members = [.network]
        network.transform = .none
        network.horizon = 12
        network.epochs = 3
        network.trainingSteps = nil
        let b = try Forecaster(config: network).backtest(table, options: options)
        // The same ETS, fitted on each fold's rows, as the ETS-only recipe's member.
        #expect(zip(a.records, b.records).allSatisfy { abs($0.classical! - $1.classical!) <= 1e-9 * abs($0.classical!) })
        #expect(b.report.overall.classical.count == 24)
    }

    @Test("a missing value under the error policy names the target and row")
    func missingValues() throws {
        var table = try air()
        table.columns[try table.columnIndex(named: "passengers_thousands")][50] = .nan
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.members = [.ets, .theta]
        config.horizon = 3
        #expect(throws: ForecastError.self) { try Forecaster(config: config).fit(table) }
        do { try Forecaster(config: config).fit(table) } catch { #expect("\(error)".contains("row 50")) }
    }

    @Test("a logged target that turns non-positive in the network's window is a clear error, not a number")
    func nonPositiveAfterFitting() throws {
        var table = try air()
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 3
        config.timesteps = 24
        config.epochs = 2
        config.trainingSteps = nil
        let f = try Forecaster(config: config)
        try f.fit(table, rows: 0..<100)
        table.columns[try table.columnIndex(named: "passengers_thousands")][110] = 0
        #expect(throws: ForecastError.self) { try f.forecastValues(table, before: 120) }
        do { _ = try f.forecastValues(table, before: 120) } catch { #expect("\(error)".contains("row 110")) }
        // Windows that end before the bad row still forecast.
        #expect(try f.forecastValues(table, before: 110).allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test("the autoregression fitted in logs names a non-positive value it is given, and still forecasts before it")
    func nonPositiveForTheLoggedAutoregression() throws {
        var table = try air()
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.members = [.ar]
        config.horizon = 3
        let f = try Forecaster(config: config)
        try f.fit(table, rows: 0..<100)
        table.columns[try table.columnIndex(named: "passengers_thousands")][105] = -2
        do {
            _ = try f.forecastValues(table, before: 120)
            Issue.record("forecast from a series with a negative value")
        } catch {
            #expect("\(error)".contains("row 105") && "\(error)".contains("not positive"), "\(error)")
        }
        #expect(try f.forecastValues(table, before: 105).allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test("a version 1 configuration (no recipe keys) reads as the network alone on raw targets")
    func versionOneConfiguration() throws {
        let json = #"{"inputs":["y"],"targets":["y"],"timesteps":12,"horizon":2,"stride":1,"cell":"gru","hidden":8,"layers":1,"bidirectional":false,"dropout":0,"scaler":"standard","residual":true,"loss":"mse","optimizer":"adam","learningRate":0.001,"epochs":5,"batchSize":32,"patience":10,"validationFraction":0.1,"missing":"error","seed":1}"#
        let c = try JSONDecoder().decode(ForecastConfig.self, from: Data(json.utf8))
        #expect(c.members == [.network] && c.transform == .none && c.trainingSteps == nil && c.season == nil)
        #expect(c.hasNetwork && c.cell == .gru && c.epochs == 5)
    }
}
