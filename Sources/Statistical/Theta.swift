/// Simple exponential smoothing, `ℓ_t = α y_t + (1 − α) ℓ_{t−1}`, whose forecast is the last level.
public struct SimpleExponentialSmoothing: Codable, Equatable, Sendable {
    public let alpha: Double
    /// The level before the first observation.
    public let initialLevel: Double

    public init(alpha: Double, initialLevel: Double) {
        self.alpha = alpha
        self.initialLevel = initialLevel
    }

    /// The level after each observation (`levels[t]` has seen `y[0...t]`) and the sum of squared
    /// one-step errors.
    public func levels(_ y: [Double]) -> (levels: [Double], sse: Double) {
        var l = initialLevel, sse = 0.0
        var out = [Double](repeating: 0, count: y.count)
        for t in y.indices {
            let e = y[t] - l
            sse += e * e
            l += alpha * e
            out[t] = l
        }
        return (out, sse)
    }

    /// Fits α in (0, 1) and the initial level by least squares of the one-step errors.
    public static func fit(_ y: [Double]) -> SimpleExponentialSmoothing {
        guard let first = y.first else { return SimpleExponentialSmoothing(alpha: 0.5, initialLevel: 0) }
        let scale = max(y.map(abs).max() ?? 1, 1e-12)
        func objective(_ x: [Double]) -> Double {
            guard x[0] > 1e-4, x[0] < 1 - 1e-4 else { return .infinity }
            return SimpleExponentialSmoothing(alpha: x[0], initialLevel: x[1] * scale).levels(y).sse
        }
        var best = NelderMead.minimize(objective, start: [0.3, first / scale], step: [0.1, 0.05])
        let again = NelderMead.minimize(objective, start: best.x, step: [0.05, 0.02])
        if again.value < best.value { best = again }
        return SimpleExponentialSmoothing(alpha: best.x[0], initialLevel: best.x[1] * scale)
    }
}

/// The Theta method of Assimakopoulos and Nikolopoulos (2000) in the form of Hyndman and
/// Billah (2003): simple exponential smoothing plus a drift of half the series' least-squares
/// slope (θ = 2), on the seasonally adjusted series when the 90 % autocorrelation test finds a
/// season (multiplicative classical decomposition, as in the M4 competition's benchmark;
/// additive when a value is not positive).
///
///     let theta = ThetaModel.fit(series, period: 12)
///     let next = theta.forecast(series, horizon: 12)
public struct ThetaModel: Codable, Equatable, Sendable {
    public let ses: SimpleExponentialSmoothing
    /// The least-squares slope of the (adjusted) series against its row index.
    public let slope: Double
    /// θ: the weight of the long-run line is `1 − 1/θ`.
    public let theta: Double
    /// The seasonal indices the series was adjusted with, when it was seasonal.
    public let decomposition: SeasonalDecomposition?

    public init(ses: SimpleExponentialSmoothing, slope: Double, theta: Double, decomposition: SeasonalDecomposition?) {
        self.ses = ses; self.slope = slope; self.theta = theta; self.decomposition = decomposition
    }

    /// Fits to `y` (two rows or more).
    public static func fit(_ y: [Double], period: Int, theta: Double = 2) -> ThetaModel {
        let decomposition = decompositionIfSeasonal(y, period: period)
        let adjusted = decomposition?.deseasonalize(y) ?? y
        return ThetaModel(ses: .fit(adjusted), slope: leastSquaresSlope(adjusted), theta: theta, decomposition: decomposition)
    }

    /// The `horizon` forecasts after the end of `y`.
    public func forecast(_ y: [Double], horizon: Int) -> [Double] {
        let adjusted = decomposition?.deseasonalize(y) ?? y
        let level = ses.levels(adjusted).levels.last ?? ses.initialLevel
        let a = ses.alpha, n = Double(adjusted.count)
        let weight = 1 - 1 / theta
        let flat = (0..<horizon).map { i -> Double in
            let h = Double(i + 1)
            return level + weight * slope * ((h - 1) + 1 / a - pow(1 - a, n) / a)
        }
        return decomposition?.reseasonalize(flat, startingAt: y.count) ?? flat
    }

    /// A classical decomposition of `y` when the 90 % test finds a season of `period`:
    /// multiplicative for positive series, additive otherwise.
    public static func decompositionIfSeasonal(_ y: [Double], period: Int) -> SeasonalDecomposition? {
        guard Seasonality.isSeasonal(y, period: period) else { return nil }
        return SeasonalDecomposition(y, period: period, form: y.allSatisfy { $0 > 0 } ? .multiplicative : .additive)
    }

    public static func leastSquaresSlope(_ y: [Double]) -> Double {
        let n = Double(y.count)
        guard y.count >= 2 else { return 0 }
        let mx = (n - 1) / 2, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (t, v) in y.enumerated() {
            sxy += (Double(t) - mx) * (v - my)
            sxx += (Double(t) - mx) * (Double(t) - mx)
        }
        return sxy / sxx
    }
}

import Foundation
