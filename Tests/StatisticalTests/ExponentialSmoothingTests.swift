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

    @Test func recursionsAndForecastsMatchStatsforecast() {
        for c in StatisticalFixtures.shared.theta {
            let r = ThetaModel.run(c.series, alpha: c.alpha, initialLevel: c.initialLevel, theta: c.theta)
            expectClose(r.errors, c.errors, relative: 1e-6, "\(c.name) errors")
            // statsmodels' b0 is the same least-squares slope.
            expectClose([ThetaModel.line(c.series).slope], [c.b0], "\(c.name) slope")
            let model = ThetaModel(variant: c.theta == 2 ? .standard : .optimized, alpha: c.alpha, initialLevel: c.initialLevel,
                                   theta: c.theta, decomposition: nil)
            expectClose(model.forecast(c.series, horizon: c.forecast.count), c.forecast, "\(c.name) forecast")
        }
    }

    @Test func theOptimizedVariantFollowsAStrongTrend() {
        // A straight line with small noise: θ = 2 drifts at half the slope, the fitted θ follows it.
        func point(_ t: Int) -> Double {
            let wiggle: Double = t % 2 == 0 ? 0.5 : -0.5
            return 100 + 3 * Double(t) + wiggle
        }
        let y = (0..<60).map(point)
        let standard = ThetaModel.fit(y, period: 1, variants: [.standard])
        let chosen = ThetaModel.fit(y, period: 1)
        #expect(chosen.variant == .optimized && chosen.theta > 2, "θ = \(chosen.theta)")
        let truth = 100 + 3 * Double(60 + 9)
        #expect(abs(chosen.forecast(y, horizon: 10)[9] - truth) < abs(standard.forecast(y, horizon: 10)[9] - truth))
        #expect(abs(chosen.forecast(y, horizon: 10)[9] - truth) < 3)
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
