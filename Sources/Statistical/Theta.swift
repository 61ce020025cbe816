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

/// The Theta method of Assimakopoulos and Nikolopoulos (2000) in the state-space form of
/// Fiorucci et al. (2016): simple exponential smoothing plus a share `1 − 1/θ` of the series'
/// least-squares line, on the seasonally adjusted series when the 90 % autocorrelation test
/// finds a season (multiplicative classical decomposition, as in the M4 competition's
/// benchmark; additive when a value is not positive). With t = 1 … n, A and B the line's
/// intercept and slope over the whole series, and ℓ₀ the initial level:
///
///     μ_t = ℓ_{t−1} + (1 − 1/θ) [ (1 − α)^{t−1} A + (1 − (1 − α)^t) / α · B ]
///     ℓ_t = α y_t + (1 − α) ℓ_{t−1}
///     ŷ_{n+h} = ℓ_n + (1 − 1/θ) [ (1 − α)^n A + ((h − 1) + (1 − (1 − α)^{n+1}) / α) · B ]
///
/// The standard method fixes θ = 2 (half the slope as drift); the optimized one fits θ ≥ 1 too.
/// `fit` keeps the variant with the smaller in-sample mean squared error, as statsforecast's
/// `AutoTheta` does among its non-dynamic models.
///
///     let theta = ThetaModel.fit(series, period: 12)
///     let next = theta.forecast(series, horizon: 12)
public struct ThetaModel: Codable, Equatable, Sendable {
    public enum Variant: String, Codable, Sendable, CaseIterable {
        /// θ = 2.
        case standard
        /// θ fitted with α and ℓ₀.
        case optimized
    }

    public let variant: Variant
    public let alpha: Double
    public let initialLevel: Double
    public let theta: Double
    /// The seasonal indices the series was adjusted with, when it was seasonal.
    public let decomposition: SeasonalDecomposition?

    public init(variant: Variant, alpha: Double, initialLevel: Double, theta: Double, decomposition: SeasonalDecomposition?) {
        self.variant = variant; self.alpha = alpha; self.initialLevel = initialLevel; self.theta = theta
        self.decomposition = decomposition
    }

    /// The recursions over `y` (already adjusted): the one-step errors' sum of squares, the last
    /// level, and the line's intercept and slope.
    public static func run(_ y: [Double], alpha a: Double, initialLevel: Double, theta: Double) -> (sse: Double, level: Double, intercept: Double, slope: Double, errors: [Double]) {
        let (intercept, slope) = line(y)
        let weight = 1 - 1 / theta
        var l = initialLevel, sse = 0.0, decay = 1.0
        var errors = [Double](repeating: 0, count: y.count)
        for (i, v) in y.enumerated() {
            // decay = (1 − α)^{t−1} with t = i + 1.
            let mu = l + weight * (decay * intercept + (1 - decay * (1 - a)) / a * slope)
            errors[i] = v - mu
            sse += errors[i] * errors[i]
            l = a * v + (1 - a) * l
            decay *= 1 - a
        }
        return (sse, l, intercept, slope, errors)
    }

    /// Fits to `y` (two rows or more); `variants` are the candidates.
    public static func fit(_ y: [Double], period: Int, variants: [Variant] = Variant.allCases) -> ThetaModel {
        let decomposition = decompositionIfSeasonal(y, period: period)
        let adjusted = decomposition?.deseasonalize(y) ?? y
        let scale = max(adjusted.map(abs).max() ?? 1, 1e-12)
        let first = adjusted.first ?? 0
        var best: (model: ThetaModel, sse: Double)?
        for variant in variants {
            let optimizeTheta = variant == .optimized
            func model(_ x: [Double]) -> ThetaModel? {
                // θ is searched as the line's share w = 1 − 1/θ in [0, 1), where the error surface is smooth.
                let alpha = x[0], level = x[1] * scale, share = optimizeTheta ? x[2] : 0.5
                guard alpha >= 0.1, alpha <= 0.99, share >= 0, share < 1 - 1e-10 else { return nil }
                let theta = 1 / (1 - share)
                return ThetaModel(variant: variant, alpha: alpha, initialLevel: level, theta: theta, decomposition: decomposition)
            }
            func objective(_ x: [Double]) -> Double {
                guard let m = model(x) else { return .infinity }
                let sse = run(adjusted, alpha: m.alpha, initialLevel: m.initialLevel, theta: m.theta).sse
                return sse.isFinite ? sse : .infinity
            }
            // Two starts: the first value, and half of it (statsforecast's start).
            for level in [first, first / 2] {
                var start = [0.5, level / scale], step = [0.1, max(abs(level / scale) * 0.1, 1e-3)]
                if optimizeTheta { start.append(0.5); step.append(0.2) }
                var r = NelderMead.minimize(objective, start: start, step: step)
                let again = NelderMead.minimize(objective, start: r.x, step: step.map { $0 * 0.5 })
                if again.value < r.value { r = again }
                if let m = model(r.x), r.value.isFinite, best == nil || r.value < best!.sse { best = (m, r.value) }
            }
        }
        return best?.model ?? ThetaModel(variant: .standard, alpha: 0.5, initialLevel: first, theta: 2, decomposition: decomposition)
    }

    /// The `horizon` forecasts after the end of `y`.
    public func forecast(_ y: [Double], horizon: Int) -> [Double] {
        let adjusted = decomposition?.deseasonalize(y) ?? y
        let r = Self.run(adjusted, alpha: alpha, initialLevel: initialLevel, theta: theta)
        let a = alpha, n = Double(adjusted.count)
        let weight = 1 - 1 / theta
        let flat = (0..<horizon).map { i -> Double in
            let h = Double(i + 1)
            return r.level + weight * (pow(1 - a, n) * r.intercept + ((h - 1) + (1 - pow(1 - a, n + 1)) / a) * r.slope)
        }
        return decomposition?.reseasonalize(flat, startingAt: y.count) ?? flat
    }

    /// A classical decomposition of `y` when the 90 % test finds a season of `period`, in
    /// `form`: by default multiplicative for positive series, additive otherwise.
    public static func decompositionIfSeasonal(_ y: [Double], period: Int, form: SeasonalForm? = nil) -> SeasonalDecomposition? {
        guard Seasonality.isSeasonal(y, period: period) else { return nil }
        // The indices come from the latest twenty periods (from a row whose phase is 0): a season
        // evolves, and a period that is not a whole number of rows (52 weeks) drifts.
        let start = max(0, y.count - 20 * period) / period * period
        return SeasonalDecomposition(Array(y[start...]), period: period,
                                     form: form ?? (y.allSatisfy { $0 > 0 } ? .multiplicative : .additive))
    }

    /// The least-squares line through `y` against t = 1 … n: (intercept at t = 0, slope).
    public static func line(_ y: [Double]) -> (intercept: Double, slope: Double) {
        let n = Double(y.count)
        guard y.count >= 2 else { return (y.first ?? 0, 0) }
        let mx = (n + 1) / 2, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (i, v) in y.enumerated() {
            let x = Double(i + 1)
            sxy += (x - mx) * (v - my)
            sxx += (x - mx) * (x - mx)
        }
        let slope = sxy / sxx
        return (my - slope * mx, slope)
    }
}

import Foundation
