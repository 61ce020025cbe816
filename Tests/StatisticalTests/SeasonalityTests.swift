import Foundation
import Testing
import Statistical

/// The statsmodels reference values of `scripts/make-statistical-fixtures.py`.
struct StatisticalFixtures: Decodable {
    struct ETSCase: Decodable {
        let name: String, series: [Double], error: String, trend: String, season: String, period: Int
        let alpha: Double, beta: Double, gamma: Double, phi: Double, level: Double, slope: Double, seasonal: [Double]
        let fitted: [Double], forecast: [Double]
    }
    struct DecompositionCase: Decodable { let name: String, series: [Double], period: Int, form: String, indices: [Double] }
    struct SESCase: Decodable { let name: String, series: [Double], alpha: Double, initialLevel: Double, fitted: [Double], forecast: Double }
    struct ThetaCase: Decodable {
        let name: String, series: [Double], alpha: Double, theta: Double, initialLevel: Double
        let errors: [Double], forecast: [Double], b0: Double
    }
    struct SeasonalityCase: Decodable { let name: String, series: [Double], period: Int, acf: [Double], seasonal: Bool }
    struct ARCase: Decodable { let name: String, series: [Double], order: Int, skip: Int, constant: Double, coefficients: [Double], sse: Double }
    struct KPSSCase: Decodable { let name: String, series: [Double], lags: Int, statistic: Double }
    let autoregression: [ARCase]
    let kpss: [KPSSCase]
    let ets: [ETSCase]
    let decomposition: [DecompositionCase]
    let ses: [SESCase]
    let theta: [ThetaCase]
    let seasonality: [SeasonalityCase]

    static let shared: StatisticalFixtures = {
        let url = Bundle.module.url(forResource: "Fixtures/statistical", withExtension: "json")!
        return try! JSONDecoder().decode(StatisticalFixtures.self, from: Data(contentsOf: url))
    }()
}

func expectClose(_ a: [Double], _ b: [Double], relative: Double = 1e-6, _ what: String) {
    #expect(a.count == b.count, "\(what): \(a.count) values, expected \(b.count)")
    for (i, (x, y)) in zip(a, b).enumerated() {
        let error = abs(x - y) / max(abs(y), 1e-12)
        #expect(error <= relative, "\(what)[\(i)]: \(x), expected \(y) (relative error \(error))")
    }
}

@Suite struct SeasonalityTests {
    @Test func autocorrelationMatchesStatsmodels() {
        for c in StatisticalFixtures.shared.seasonality {
            expectClose(Seasonality.autocorrelation(c.series, maxLag: c.period), c.acf, relative: 1e-9, c.name)
            #expect(Seasonality.isSeasonal(c.series, period: c.period) == c.seasonal, "\(c.name)")
        }
    }

    @Test func seasonalTestNeedsThreePeriodsAndAPeriodOfTwo() {
        let wave: [Double] = (0..<60).map { t in sin(Double(t) * 2 * Double.pi / 12) }
        #expect(Seasonality.isSeasonal(wave, period: 12))
        #expect(!Seasonality.isSeasonal(Array(wave.prefix(35)), period: 12))
        #expect(!Seasonality.isSeasonal(wave, period: 1))
        #expect(Seasonality.autocorrelation([3, 3, 3, 3], maxLag: 2) == [1, 0, 0])
    }

    @Test func decompositionMatchesStatsmodels() {
        for c in StatisticalFixtures.shared.decomposition {
            let d = SeasonalDecomposition(c.series, period: c.period, form: SeasonalForm(rawValue: c.form)!)
            expectClose(d.indices, c.indices, relative: 1e-9, c.name)
            let adjusted = d.deseasonalize(c.series)
            expectClose(d.reseasonalize(adjusted, startingAt: 0), c.series, relative: 1e-12, "\(c.name) round trip")
        }
    }
}
