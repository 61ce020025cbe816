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
}
