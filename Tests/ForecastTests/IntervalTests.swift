import Forecast
import Foundation
import Testing

/// Conformal prediction intervals: the calibration's arithmetic, coverage on a series with known
/// noise, and how intervals travel through predictions, model files and errors.
@Suite("Prediction intervals")
struct IntervalTests {
    /// SplitMix64 with Box–Muller: a fixed stream of standard normal draws.
    struct Normal {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (Double((z ^ (z >> 31)) >> 11) + 0.5) / Double(1 << 53)
        }
        mutating func next() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    }

    /// y[t] = 0.6 y[t-1] + e[t], e ~ N(0, 1), on an integer time axis.
    static func ar1(count: Int, seed: UInt64) throws -> Table {
        var normal = Normal(state: seed)
        var y = [0.0]
        for _ in 1..<count { y.append(0.6 * y.last! + normal.next()) }
        return try Table(timeName: "t", time: TimeAxis(kind: .index, values: (0..<count).map(Double.init)), columnNames: ["y"], columns: [y])
    }

    @Test("one-step intervals on an AR(1) with Gaussian noise cover 80 % and 95 % of 1,000 new values, within a binomial band")
    func coverageOnAR1() throws {
        let table = try Self.ar1(count: 2000, seed: 7)
        var config = ForecastConfig(targets: ["y"])
        config.members = [.ets, .theta, .ar]
        config.horizon = 1
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table, rows: 0..<1000)
        let calibration = try #require(forecaster.model?.calibrations.first)
        // The last 200 training rows calibrate: one score per origin at horizon 1.
        #expect(calibration.scoreCount == 200 && calibration.origins == 200)
        let result = try forecaster.evaluate(table, rows: 1000..<2000, stride: 1, levels: [0.8, 0.95])
        #expect(result.records.count == 1000)
        let intervals = result.report.overall.intervals
        #expect(intervals.map(\.level) == [0.8, 0.95])
        for m in intervals {
            let coverage = try #require(m.coverage)
            // Three standard deviations of the coverage of 1,000 new points given 200 calibration
            // scores: Var ≈ L(1 − L)(1/1000 + 1/200).
            let band = 3 * (m.level * (1 - m.level) * (1.0 / 1000 + 1.0 / 200)).squareRoot()
            #expect(abs(coverage - m.level) <= band, "level \(m.level): coverage \(coverage), band ±\(band)")
            #expect(m.count == 1000)
        }
        // The noise is N(0, 1): a good one-step forecast's 95 % interval is about ±1.96 wide.
        let width95 = try #require(intervals[1].meanWidth)
        #expect(width95 > 2 * 1.6 && width95 < 2 * 2.6, "\(width95)")
    }

    @Test("the conformal quantile: the ⌈(n + 1) L⌉-th score, corrected by the scores per step, read off thinned order statistics")
    func quantileArithmetic() {
        func calibration(scores: [Double], steps: Int) -> IntervalCalibration {
            IntervalCalibration(target: "y", scaling: .step, stepScales: Array(repeating: 1, count: steps), scores: scores,
                                scoreCount: scores.count, origins: scores.count / steps, spreadWindow: 20, typicalSpread: 1)
        }
        let hundred = (1...100).map(Double.init)
        // One step: ⌈101 · 0.8⌉ = 81.
        #expect(calibration(scores: hundred, steps: 1).quantile(level: 0.8) == 81)
        // ⌈101 · 0.95⌉ = 96; with fewer than 19 scores the largest one.
        #expect(calibration(scores: hundred, steps: 1).quantile(level: 0.95) == 96)
        #expect(calibration(scores: [1, 2, 3], steps: 1).quantile(level: 0.95) == 3)
        // Four steps, 25 scores each: ⌈26 · 0.8⌉ / 25 = 0.84 of the pooled 100 → the 84th.
        #expect(calibration(scores: hundred, steps: 4).quantile(level: 0.8) == 84)
        // Thinned to 1,000 of 5,000 evenly spaced order statistics: the 4,001st (⌈5001 · 0.8⌉) is
        // found at or just above its place.
        let many = (1...5000).map(Double.init)
        let thinned = stride(from: 0, to: 1000, by: 1).map { many[Int((Double($0) / 999 * 4999).rounded())] }
        var c = calibration(scores: thinned, steps: 1)
        c.scoreCount = 5000
        let q = c.quantile(level: 0.8)
        #expect(q >= 4001 && q <= 4001 + 5, "\(q)")
    }

    @Test("intervals widen with the level, contain the forecast, and survive a model file; old files have none")
    func roundTrip() throws {
        let table = try Forecaster.readTable(path: RecipeTests.airPath, config: ForecastConfig(targets: ["passengers_thousands"]))
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 6
        config.timesteps = 24
        config.epochs = 5
        config.trainingSteps = nil
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table)
        let points = try forecaster.predict(table, levels: [0.5, 0.8, 0.95])
        #expect(points.count == 6)
        for p in points {
            #expect(p.bounds.map(\.level) == [0.5, 0.8, 0.95])
            #expect(zip(p.bounds, p.bounds.dropFirst()).allSatisfy { $0.lower >= $1.lower && $0.upper <= $1.upper })
            #expect(p.bounds.allSatisfy { $0.lower < p.value && p.value < $0.upper })
        }
        // Later steps are at least as uncertain as earlier ones.
        let widths = points.map { $0.bounds[2].upper - $0.bounds[2].lower }
        #expect(zip(widths, widths.dropFirst()).allSatisfy { $0 <= $1 * (1 + 1e-12) })

        let model = try #require(forecaster.model)
        let back = try ForecastModel.decode(try model.encoded(), name: "m")
        #expect(back.calibrations == model.calibrations)
        #expect(try Forecaster(model: back).predict(table, levels: [0.5, 0.8, 0.95]) == points)

        // JSON keys after Nixtla's libraries, and back.
        let json = String(decoding: try JSONEncoder().encode(points[0]), as: UTF8.self)
        #expect(json.contains("\"lo-80\"") && json.contains("\"hi-95\"") && json.contains("\"lo-50\""))
        #expect(try JSONDecoder().decode(Forecaster.Point.self, from: Data(json.utf8)) == points[0])

        // A file written before intervals existed has no calibration: forecasts without bounds.
        let contents = try SafeTensors.decode(try model.encoded(), name: "m")
        var metadata = contents.metadata
        metadata["calibration"] = nil
        let old = try ForecastModel.decode(try SafeTensors.encode(tensors: contents.tensors, metadata: metadata), name: "m")
        let plain = try Forecaster(model: old).predict(table)
        #expect(plain.allSatisfy { $0.bounds.isEmpty })
        #expect(plain.map(\.value) == points.map(\.value))

        metadata["calibration"] = #"[{"target":"passengers_thousands","scaling":"step","stepScales":[1],"scores":[1],"scoreCount":1,"origins":1,"spreadWindow":20,"typicalSpread":1}]"#
        #expect(throws: ModelFileError(file: "m", message: "calibration in __metadata__ for passengers_thousands is not valid for this configuration")) {
            try ForecastModel.decode(try SafeTensors.encode(tensors: contents.tensors, metadata: metadata), name: "m")
        }
    }

    @Test("levels outside (0, 1) or out of order are refused with a clear error")
    func badLevels() throws {
        let table = try Self.ar1(count: 200, seed: 1)
        var config = ForecastConfig(targets: ["y"])
        config.members = [.ets]
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table)
        #expect(throws: ForecastError.invalidConfig("interval levels are fractions strictly between 0 and 1 (0.8 for 80 %), got 80.0")) {
            try forecaster.predict(table, levels: [80])
        }
        #expect(throws: ForecastError.invalidConfig("interval levels must be distinct and ascending, got [0.95, 0.8]")) {
            try forecaster.predict(table, levels: [0.95, 0.8])
        }
        #expect(try IntervalBound.parseLevels("95, 80,80") == [0.8, 0.95])
        #expect(try IntervalBound.parseLevels("none").isEmpty)
        #expect(throws: LevelError.self) { try IntervalBound.parseLevels("80,100") }
        #expect(IntervalBound.columnNames(0.975) == ("lo-97.5", "hi-97.5"))
    }

    @Test("too short to hold rows out from the network: the classical members calibrate on the latest rows")
    func shortSeries() throws {
        let table = try Forecaster.readTable(path: RecipeTests.airPath, config: ForecastConfig(targets: ["passengers_thousands"]))
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 12
        config.timesteps = 24
        config.epochs = 2
        config.trainingSteps = nil
        let forecaster = try Forecaster(config: config)
        // 44 rows: 24 + 12 for one window leaves no room for 12 validation rows.
        try forecaster.fit(table, rows: 0..<44)
        #expect(forecaster.model?.info["validation_rows"] == "none")
        let bounds = try forecaster.forecast(table, before: 44, levels: [0.8]).bounds
        #expect(bounds.allSatisfy { $0[0].count == 1 && $0[0][0].lower < $0[0][0].upper })
    }

    @Test("a quantile head alone: its median is the forecast, its 0.1/0.9 and 0.025/0.975 pairs conformalized give the 80 % and 95 % intervals")
    func quantileHead() throws {
        let table = try Forecaster.readTable(path: RecipeTests.airPath, config: ForecastConfig(targets: ["passengers_thousands"]))
        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.members = [.network]
        config.loss = "quantile:0.025,0.1,0.5,0.9,0.975"
        config.horizon = 4
        config.timesteps = 24
        config.epochs = 30
        config.trainingSteps = nil
        #expect(config.networkShape.outputSize == 4 * 5)
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table)
        let model = try #require(forecaster.model)
        let calibration = try #require(model.calibrations.first)
        #expect(calibration.quantileIntervals.map(\.level) == [0.95, 0.8])
        #expect(calibration.quantileIntervals.map { [$0.lower, $0.upper] } == [[0, 4], [1, 3]])

        let end = table.rowCount
        let quantiles = try forecaster.quantileForecast(table)
        let (values, bounds) = try forecaster.forecast(table, before: end, levels: [0.5, 0.8, 0.95])
        for h in 0..<4 {
            let q = quantiles[h][0]
            #expect(q == q.sorted())
            #expect(values[h][0] == q[2], "the point forecast is the median output")
            let b = bounds[h][0]
            // 80 %: the head's 0.1 and 0.9 outputs moved out (or in) by one correction.
            let c80 = calibration.quantileIntervals[1].correction(steps: 4)
            #expect(abs(b[1].lower - min(q[1] - c80, q[2])) < 1e-9 && abs(b[1].upper - max(q[3] + c80, q[2])) < 1e-9)
            // 50 % has no pair in the head: the symmetric conformal interval around the median.
            #expect(abs((b[0].upper - values[h][0]) - (values[h][0] - b[0].lower)) < 1e-9)
            #expect(b[1].lower <= values[h][0] && values[h][0] <= b[1].upper)
        }
        let back = try ForecastModel.decode(try model.encoded(), name: "m")
        #expect(back.calibrations == model.calibrations)
        #expect(try Forecaster(model: back).forecast(table, before: end, levels: [0.8, 0.95]).bounds == forecaster.forecast(table, before: end, levels: [0.8, 0.95]).bounds)

        var noMedian = config
        noMedian.loss = "quantile:0.1,0.9"
        #expect(throws: ForecastError.invalidConfig("the quantile loss needs the level 0.5, whose output is the point forecast; got [0.1, 0.9]")) {
            try Forecaster(config: noMedian)
        }
    }
}
