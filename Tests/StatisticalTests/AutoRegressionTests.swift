import Foundation
import Testing
import Statistical

@Suite struct AutoRegressionTests {
    @Test func leastSquaresMatchesStatsmodels() throws {
        for c in StatisticalFixtures.shared.autoregression {
            let fit = try #require(AutoRegression.leastSquares(c.series, order: c.order, skip: c.skip))
            expectClose([fit.constant] + fit.coefficients, [c.constant] + c.coefficients, relative: 1e-8, c.name)
            expectClose([fit.sse], [c.sse], relative: 1e-8, "\(c.name) sse")
        }
    }

    @Test func kpssMatchesStatsmodels() {
        for c in StatisticalFixtures.shared.kpss {
            expectClose([AutoRegression.kpssStatistic(c.series, lags: c.lags)], [c.statistic], relative: 1e-9, c.name)
        }
    }

    @Test func aTrendIsDifferencedAndACycleIsNot() {
        func point(_ t: Int) -> Double {
            let wiggle: Double = t % 3 == 0 ? 1 : -0.5
            return 5 + 2 * Double(t) + wiggle
        }
        let trend = (0..<80).map(point)
        let line = AutoRegression.fit(trend, period: 1)
        #expect(line.differences >= 1)
        let f = line.forecast(trend, horizon: 4)
        for (h, v) in f.enumerated() {
            let expected: Double = 5 + 2 * Double(80 + h)
            #expect(abs(v - expected) < 3, "step \(h + 1): \(v)")
        }
        // A damped cycle of period ~10 (an AR(2)): no differencing, and the forecast keeps swinging.
        var cycle: [Double] = [1, 1.5]
        for t in 2..<120 {
            let shock: Double = t % 7 == 0 ? 0.3 : 0
            cycle.append(1.6 * cycle[t - 1] - 0.9 * cycle[t - 2] + shock)
        }
        let ar = AutoRegression.fit(cycle, period: 1)
        #expect(ar.differences == 0)
        #expect(ar.coefficients.count >= 2)
        let g = ar.forecast(cycle, horizon: 10)
        #expect(g.max()! - g.min()! > 0.3, "\(g)")
    }

    @Test func shortAndConstantSeriesStillForecast() {
        let flat = [Double](repeating: 3, count: 10)
        let f = AutoRegression.fit(flat, period: 1).forecast(flat, horizon: 3)
        #expect(f.count == 3 && f.allSatisfy { abs($0 - 3) < 1e-9 })
    }

    @Test func aPositiveSeriesIsModelledInLogs() throws {
        // Growth of 2 % a step times a season whose swing scales with the level: a line in logs.
        let season: [Double] = [1.2, 0.9, 0.8, 1.1]
        func point(_ t: Int) -> Double { 100 * pow(1.02, Double(t)) * season[t % 4] * (t % 5 == 0 ? 1.01 : 0.995) }
        let y = (0..<80).map(point)
        let model = AutoRegression.fit(y, period: 4)
        #expect(model.logged)
        let f = model.forecast(y, horizon: 8)
        for (h, v) in f.enumerated() {
            let expected = 100 * pow(1.02, Double(80 + h)) * season[(80 + h) % 4]
            #expect(abs(v / expected - 1) < 0.02, "step \(h + 1): \(v) against \(expected)")
        }
        // A series with a value ≤ 0 stays on its own scale.
        var shifted = y.map { $0 - 100 }
        shifted[0] = -1
        #expect(!AutoRegression.fit(shifted, period: 4).logged)
        // A logged model given a non-positive value forecasts NaN rather than a wrong number.
        var bad = y
        bad[79] = 0
        #expect(model.forecast(bad, horizon: 2).allSatisfy { $0.isNaN })
    }

    @Test func modelsSavedBeforeLogsExistedLoadOnTheirOwnScale() throws {
        let json = #"{"differences":1,"seasonalLag":0,"constant":0.5,"coefficients":[0.2],"lags":[1]}"#
        let model = try JSONDecoder().decode(AutoRegression.self, from: Data(json.utf8))
        #expect(!model.logged && model.decomposition == nil)
        // x_t = 0.5 + 0.2 x_{t-1} on the differences, integrated from the last value.
        let f = model.forecast([10, 11, 13], horizon: 2)
        expectClose(f, [13 + 0.5 + 0.2 * 2, 13 + 0.9 + 0.5 + 0.2 * 0.9], relative: 1e-12, "old model")
        let again = try JSONDecoder().decode(AutoRegression.self, from: JSONEncoder().encode(AutoRegression.fit([3, 4, 6, 5, 7, 8, 9, 12, 11, 13], period: 1)))
        #expect(again.logged)
    }
}
