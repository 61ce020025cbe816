import Forecast
import Foundation
import Testing

/// A noisy seasonal daily series as CSV text: date,value,other.
func seasonalCSV(rows: Int, seed: UInt64 = 1) -> String {
    var g = SeededGenerator(seed: seed)
    var lines = ["date,value,other"]
    let start = 18_262  // 2020-01-01 in days since the epoch
    for i in 0..<rows {
        let day = Date(timeIntervalSince1970: Double(start + i) * 86_400)
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        let v = 10 + 3 * sin(Double(i) * 2 * .pi / 7) + g.uniform(bound: 0.3)
        lines.append("\(f.string(from: day)),\(v),\(Double(i % 5))")
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("Forecaster")
struct ForecasterTests {
    func config(horizon: Int = 3) -> ForecastConfig {
        var c = ForecastConfig(inputs: ["value", "other"], targets: ["value"])
        c.timesteps = 14
        c.horizon = horizon
        c.hidden = 8
        c.epochs = 15
        c.learningRate = 0.01
        c.seed = 3
        return c
    }

    func table(_ rows: Int = 200) throws -> Table {
        try CSVReader.read(string: seasonalCSV(rows: rows), name: "seasonal.csv")
    }

    @Test("expanding backtest: origins, train ranges and horizons exactly as configured")
    func expandingFolds() throws {
        let t = try table()
        var o = BacktestOptions()
        o.start = .index(150)
        o.stride = 10
        o.season = 7
        let r = try Forecaster(config: config()).backtest(t, options: o)
        #expect(r.folds.map(\.origin) == [150, 160, 170, 180, 190])
        #expect(r.folds.allSatisfy { $0.train == 0..<$0.origin && $0.test == $0.origin..<$0.origin + 3 })
        #expect(r.records.count == 5 * 3)
        #expect(r.records.map(\.timestamp).first == t.timeString(at: 150))
        #expect(Set(r.histories.keys) == Set(0..<5))
    }

    @Test("sliding backtest trains on exactly train-length rows before each origin; retrain every k reuses models")
    func slidingFolds() throws {
        let t = try table()
        var o = BacktestOptions()
        o.start = .index(120)
        o.window = .sliding(trainLength: 60)
        o.retrain = .every(2)
        o.season = 7
        let r = try Forecaster(config: config()).backtest(t, options: o)
        #expect(r.folds.first?.origin == 120)
        #expect(r.folds.allSatisfy { $0.train == $0.origin - 60..<$0.origin })
        #expect(r.folds.map(\.origin) == Array(stride(from: 120, through: 197, by: 3)))
        #expect(Set(r.histories.keys) == Set(r.folds.map(\.index).filter { $0 % 2 == 0 }))
    }

    @Test("no leakage: changing data at or after an origin does not change that fold's forecast")
    func noLeakage() throws {
        let t = try table()
        var o = BacktestOptions()
        o.start = .index(180)
        o.stride = 20
        o.season = 7
        o.parallelFolds = 1
        let a = try Forecaster(config: config()).backtest(t, options: o)
        var changed = t
        let value = try changed.columnIndex(named: "value")
        for row in 180..<changed.rowCount { changed.columns[value][row] += 1000 }
        let b = try Forecaster(config: config()).backtest(changed, options: o)
        #expect(a.records.map(\.predicted) == b.records.map(\.predicted))
        #expect(a.records.map(\.actual) != b.records.map(\.actual))
    }

    @Test("parallel and sequential folds give identical forecasts")
    func parallelEqualsSequential() throws {
        let t = try table()
        var o = BacktestOptions()
        o.start = .index(170)
        o.stride = 9
        o.season = 7
        o.parallelFolds = 2
        let parallel = try Forecaster(config: config()).backtest(t, options: o)
        o.parallelFolds = 1
        let sequential = try Forecaster(config: config()).backtest(t, options: o)
        #expect(parallel.records == sequential.records)
    }

    @Test("the same seed gives bit-identical model files; predictions carry the next dates")
    func determinismAndDates() throws {
        let t = try table()
        let a = try Forecaster(config: config()), b = try Forecaster(config: config())
        try a.fit(t)
        try b.fit(t)
        #expect(try a.model!.encoded() == b.model!.encoded())
        let points = try a.predict(t)
        #expect(points.map(\.timestamp) == ["2020-07-19", "2020-07-20", "2020-07-21"])
        #expect(points.map(\.step) == [1, 2, 3])
        #expect(points.allSatisfy { $0.value > 5 && $0.value < 15 })
    }

    @Test("the model learns the weekly pattern: it beats the naive forecast on held-out rows")
    func skill() throws {
        let t = try table(400)
        var c = config(horizon: 7)
        c.epochs = 60
        let f = try Forecaster(config: c)
        try f.fit(t, rows: 0..<330)
        let e = try f.evaluate(t, rows: 330..<400, season: 7)
        let model = try #require(e.report.overall.model.mae), naive = try #require(e.report.overall.naive.mae)
        #expect(model < 0.7 * naive, "model MAE \(model), naive \(naive)")
    }

    @Test("configurations that cannot work are refused with a message naming the setting")
    func invalid() throws {
        var c = config()
        c.timesteps = 0
        #expect(throws: ForecastError.invalidConfig("timesteps must be between 1 and 100000, got 0")) { try Forecaster(config: c) }
        c = config()
        c.optimizer = "lbfgs"
        #expect(throws: ForecastError.self) { try Forecaster(config: c) }
        let small = try table(10)
        #expect(throws: ForecastError.notEnoughData("10 rows cannot make one window of 14 timesteps + 3 horizon")) {
            try Forecaster(config: config()).fit(small)
        }
        #expect(throws: ForecastError.self) { try Forecaster(config: config()).predict(small) }
    }

    @Test("the default window is two seasons of the sampling rate", arguments: [
        ("taylor_electricity_halfhourly.csv", 96), ("airpassengers_monthly.csv", 24), ("co2_maunaloa_weekly.csv", 104),
        ("eustockmarkets_daily.csv", 24), ("msft_daily_ohlcv.csv", 24),
    ])
    func suggestedTimesteps(file: String, expected: Int) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let table = try CSVReader.read(path: root.appendingPathComponent("datasets/\(file)").path, options: CSVOptions(missing: nil))
        #expect(Forecaster.suggestedTimesteps(for: table) == expected)
    }

    @Test("scoring a long file's held-out rows takes at most 1,000 origins; a short one's every horizon")
    func evaluationStride() throws {
        #expect(Forecaster.evaluationStride(rows: 29, horizon: 12) == 12)
        #expect(Forecaster.evaluationStride(rows: 1000, horizon: 1) == 1)
        #expect(Forecaster.evaluationStride(rows: 40_000, horizon: 1) == 40)
        #expect(Forecaster.evaluationStride(rows: 40_001, horizon: 5) == 41)
        // evaluate scores exactly the origins the stride gives.
        let y = (0..<3000).map { 100 + 10 * sin(Double($0) / 7) }
        let table = try Table(timeName: "t", time: TimeAxis(kind: .index, values: (0..<3000).map(Double.init)), columnNames: ["y"], columns: [y])
        var config = ForecastConfig(targets: ["y"])
        config.members = [.ets]
        let f = try Forecaster(config: config)
        try f.fit(table, rows: 0..<500)
        let stride = Forecaster.evaluationStride(rows: 2500, horizon: 1, maxOrigins: 100)
        let result = try f.evaluate(table, rows: 500..<3000, stride: stride, levels: [0.9])
        #expect(stride == 25 && result.origins.count == 100 && result.records.count == 100)
        #expect(result.records.allSatisfy { $0.bounds.count == 1 })
    }
}
