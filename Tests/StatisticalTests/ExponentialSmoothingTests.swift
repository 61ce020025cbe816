import Foundation
import Testing
import Statistical

@Suite struct ExponentialSmoothingTests {
    @Test func recursionsMatchStatsmodelsForEveryForm() {
        let cases = StatisticalFixtures.shared.ets
        #expect(cases.count == 21)
        for c in cases {
            let spec = ETSSpec(error: .init(rawValue: c.error)!, trend: .init(rawValue: c.trend)!, season: .init(rawValue: c.season)!)
            let p = ETSParameters(alpha: c.alpha, beta: c.beta, gamma: c.gamma, phi: c.phi, level: c.level, slope: c.slope, seasonal: c.seasonal)
            let run = ETSModel.filter(c.series, spec: spec, period: c.period, parameters: p)
            expectClose(run.fitted, c.fitted, "\(c.name) fitted")
            let model = ETSModel(spec: spec, period: c.period, parameters: p, criterion: run.criterion, aicc: 0)
            if !c.forecast.isEmpty { expectClose(model.forecast(after: run, horizon: 12), c.forecast, "\(c.name) forecast") }
        }
    }

    @Test func fittingRecoversASmoothTrend() throws {
        // y = 10 + 0.5 t with a little deterministic noise: Holt's model should win and extrapolate the line.
        let y: [Double] = (0..<80).map { t in
            let x = Double(t)
            return 10 + 0.5 * x + 0.2 * sin(x * 1.7)
        }
        let model = ETSModel.select(y, period: 1)
        #expect(model.spec.trend != .none, "selected \(model.spec)")
        let f = model.forecast(y, horizon: 5)
        for (h, v) in f.enumerated() {
            let line: Double = 10 + 0.5 * Double(80 + h)
            #expect(abs(v - line) < 1.0, "step \(h + 1): \(v)")
        }
    }

    @Test func selectionFindsAMultiplicativeSeasonOnAirPassengers() throws {
        let air = StatisticalFixtures.shared.decomposition.first { $0.name == "air multiplicative" }!.series
        let model = ETSModel.select(air, period: 12)
        #expect(model.spec.season == .multiplicative, "selected \(model.spec)")
        #expect(model.aicc.isFinite)
    }

    @Test func candidatesFollowTheDataSign() {
        #expect(ETSSpec.candidates(seasonal: true, positive: true).count == 15)
        #expect(ETSSpec.candidates(seasonal: true, positive: false).allSatisfy { $0.error == .additive && $0.season != .multiplicative })
        #expect(ETSSpec.candidates(seasonal: false, positive: true).count == 6)
        // Negative data: a fit of a multiplicative form is refused, selection still answers.
        let y = (0..<30).map { Double($0 % 5) - 2 }
        #expect(ETSModel.fit(y, spec: ETSSpec(error: .multiplicative, trend: .none, season: .none), period: 1) == nil)
        #expect(ETSModel.select(y, period: 1).spec.error == .additive)
    }

    @Test func aConstantSeriesForecastsItself() {
        let y = [Double](repeating: 7, count: 40)
        let f = ETSModel.select(y, period: 4).forecast(y, horizon: 3)
        for v in f { #expect(abs(v - 7) < 1e-6) }
    }
}

@Suite struct ThetaTests {
    @Test func simpleExponentialSmoothingMatchesStatsmodels() {
        for c in StatisticalFixtures.shared.ses {
            let ses = SimpleExponentialSmoothing(alpha: c.alpha, initialLevel: c.initialLevel)
            let levels = ses.levels(c.series).levels
            expectClose([c.initialLevel] + levels.dropLast(), c.fitted, c.name)
            expectClose([levels.last!], [c.forecast], c.name)
        }
    }

    @Test func driftMatchesStatsmodels() {
        for c in StatisticalFixtures.shared.theta {
            // statsmodels' b0 is the least-squares slope; the forecast path beyond step 1 depends on it and θ only.
            expectClose([ThetaModel.leastSquaresSlope(c.series)], [c.b0], c.name)
            let model = ThetaModel(ses: SimpleExponentialSmoothing(alpha: c.alpha, initialLevel: c.series[0]), slope: c.b0, theta: 2, decomposition: nil)
            let f = model.forecast(c.series, horizon: c.drift.count)
            let drift = f.map { $0 - f[0] }
            #expect(drift[0] == 0)
            expectClose(Array(drift.dropFirst()), Array(c.drift.dropFirst()), "\(c.name) drift")
        }
    }

    @Test func seasonalSeriesAreAdjustedAndForecastsKeepTheSeason() {
        func wave(_ t: Int) -> Double {
            let x = Double(t)
            return (100 + x) * (1 + 0.3 * sin(x * 2 * Double.pi / 12))
        }
        let y = (0..<72).map(wave)
        let theta = ThetaModel.fit(y, period: 12)
        #expect(theta.decomposition?.form == .multiplicative)
        let f = theta.forecast(y, horizon: 12)
        let expected = (72..<84).map(wave)
        for (a, b) in zip(f, expected) { #expect(abs(a - b) / b < 0.05, "\(a) vs \(b)") }
        #expect(ThetaModel.fit(y, period: 1).decomposition == nil)
    }

    @Test func nelderMeadFindsTheMinimumOfAQuadratic() {
        func bowl(_ x: [Double]) -> Double {
            let a = x[0] - 3, b = x[1] + 1
            return a * a + 10 * b * b
        }
        let r = NelderMead.minimize(bowl, start: [0, 0], step: [1, 1])
        #expect(abs(r.x[0] - 3) < 1e-3 && abs(r.x[1] + 1) < 1e-3)
    }
}
