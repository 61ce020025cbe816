/// An exponential smoothing model in innovations state-space form (Hyndman, Koehler, Ord and
/// Snyder, *Forecasting with Exponential Smoothing*, 2008): error, trend and season components,
/// written as `ETS(A,Ad,M)` the way R's `forecast::ets` and statsforecast's `AutoETS` name them.
public struct ETSSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Error: String, Codable, Sendable, CaseIterable { case additive = "A", multiplicative = "M" }
    public enum Trend: String, Codable, Sendable, CaseIterable { case none = "N", additive = "A", damped = "Ad" }
    public enum Season: String, Codable, Sendable, CaseIterable { case none = "N", additive = "A", multiplicative = "M" }

    public var error: Error
    public var trend: Trend
    public var season: Season

    public init(error: Error, trend: Trend, season: Season) {
        self.error = error
        self.trend = trend
        self.season = season
    }

    public var description: String { "ETS(\(error.rawValue),\(trend.rawValue),\(season.rawValue))" }

    /// The models `ETSModel.select` tries: every combination but those that `forecast::ets`
    /// leaves out as numerically unstable (additive errors with a multiplicative season), and
    /// multiplicative parts only for positive data.
    public static func candidates(seasonal: Bool, positive: Bool) -> [ETSSpec] {
        var out: [ETSSpec] = []
        for error in Error.allCases where positive || error == .additive {
            for trend in Trend.allCases {
                for season in Season.allCases {
                    if season != .none && !seasonal { continue }
                    if season == .multiplicative && (!positive || error == .additive) { continue }
                    out.append(ETSSpec(error: error, trend: trend, season: season))
                }
            }
        }
        return out
    }
}

/// The smoothing coefficients and initial states of an ETS model.
public struct ETSParameters: Codable, Equatable, Sendable {
    public var alpha: Double
    /// Trend smoothing (0 without a trend); `beta < alpha`.
    public var beta: Double
    /// Season smoothing (0 without a season); `gamma < 1 - alpha`.
    public var gamma: Double
    /// Damping (1 for an undamped or absent trend).
    public var phi: Double
    /// Initial level and slope.
    public var level: Double
    public var slope: Double
    /// Initial seasonal states: `seasonal[p]` is the state row `t` reads when `t % period == p`.
    public var seasonal: [Double]

    public init(alpha: Double, beta: Double = 0, gamma: Double = 0, phi: Double = 1,
                level: Double, slope: Double = 0, seasonal: [Double] = []) {
        self.alpha = alpha; self.beta = beta; self.gamma = gamma; self.phi = phi
        self.level = level; self.slope = slope; self.seasonal = seasonal
    }
}

/// A fitted ETS model: its form, period, parameters, and the fit's criteria.
///
///     let model = ETSModel.select(series, period: 12)   // AICc over the candidate forms
///     let next = model.forecast(series, horizon: 12)
public struct ETSModel: Codable, Equatable, Sendable {
    public let spec: ETSSpec
    /// Seasonal period (1 without a season).
    public let period: Int
    public let parameters: ETSParameters
    /// The likelihood criterion `n log Σe²` (plus `2 Σ log|ŷ|` with multiplicative errors).
    public let criterion: Double
    /// Akaike's criterion with the small-sample correction; the selection minimizes it.
    public let aicc: Double

    public init(spec: ETSSpec, period: Int, parameters: ETSParameters, criterion: Double, aicc: Double) {
        self.spec = spec; self.period = period; self.parameters = parameters
        self.criterion = criterion; self.aicc = aicc
    }

    /// The states after the last observation and the one-step fitted values.
    public struct Run: Sendable {
        public var level: Double
        public var slope: Double
        /// Ring of seasonal states, indexed by phase as `ETSParameters.seasonal`.
        public var seasonal: [Double]
        /// Rows filtered (the phase of the next forecast is `count % period`).
        public var count: Int
        public var fitted: [Double]
        /// `y - fitted` (additive errors) or `(y - fitted) / fitted` (multiplicative).
        public var errors: [Double]
        /// The criterion of the run, `.infinity` when a state or forecast left the valid range.
        public var criterion: Double
    }

    /// Runs the state recursions over `y` from the initial states.
    public static func filter(_ y: [Double], spec: ETSSpec, period: Int, parameters p: ETSParameters) -> Run {
        var l = p.level, b = spec.trend == .none ? 0 : p.slope
        var s = spec.season == .none ? [] : p.seasonal
        let phi = spec.trend == .damped ? p.phi : 1
        let beta = spec.trend == .none ? 0 : p.beta
        let n = y.count
        var fitted = [Double](repeating: 0, count: n), errors = fitted
        var sse = 0.0, logSum = 0.0, valid = true
        for t in 0..<n {
            let tr = l + phi * b
            let phase = t % max(period, 1)
            let season = spec.season == .none ? 0 : s[phase]
            let mu: Double = switch spec.season {
            case .none: tr
            case .additive: tr + season
            case .multiplicative: tr * season
            }
            fitted[t] = mu
            let e: Double
            switch spec.error {
            case .additive: e = y[t] - mu
            case .multiplicative:
                guard mu > 0 else { valid = false; e = 0; break }
                e = (y[t] - mu) / mu
                logSum += log(abs(mu))
            }
            guard valid else { break }
            errors[t] = e
            sse += e * e
            // State updates (Hyndman et al. 2008, table 2.3), with tr = l + φb.
            switch (spec.error, spec.season) {
            case (.additive, .none), (.additive, .additive):
                l = tr + p.alpha * e
                b = phi * b + beta * e
                if spec.season == .additive { s[phase] = season + p.gamma * e }
            case (.additive, .multiplicative):
                l = tr + p.alpha * e / season
                b = phi * b + beta * e / season
                s[phase] = season + p.gamma * e / tr
            case (.multiplicative, .none):
                l = tr * (1 + p.alpha * e)
                b = phi * b + beta * tr * e
            case (.multiplicative, .additive):
                l = tr + p.alpha * mu * e
                b = phi * b + beta * mu * e
                s[phase] = season + p.gamma * mu * e
            case (.multiplicative, .multiplicative):
                l = tr * (1 + p.alpha * e)
                b = phi * b + beta * tr * e
                s[phase] = season * (1 + p.gamma * e)
            }
            if !l.isFinite || !b.isFinite || (spec.season == .multiplicative && !(s[phase] > 0)) { valid = false; break }
        }
        // A perfect fit (a constant series) would give log 0; the floor keeps the criterion finite.
        let criterion = valid ? Double(n) * log(max(sse, 1e-300)) + 2 * logSum : .infinity
        return Run(level: l, slope: b, seasonal: s, count: n, fitted: fitted, errors: errors, criterion: criterion)
    }

    /// The `horizon` point forecasts after a run's last observation (the recursions with zero errors).
    public func forecast(after run: Run, horizon: Int) -> [Double] {
        let phi = spec.trend == .damped ? parameters.phi : 1
        var damp = 0.0, power = 1.0
        return (1...max(horizon, 1)).prefix(horizon).map { h in
            power *= phi
            damp += power
            let tr = run.level + damp * run.slope
            switch spec.season {
            case .none: return tr
            case .additive: return tr + run.seasonal[(run.count + h - 1) % period]
            case .multiplicative: return tr * run.seasonal[(run.count + h - 1) % period]
            }
        }
    }

    /// The `horizon` forecasts after the end of `y`, running the recursions over `y` first.
    public func forecast(_ y: [Double], horizon: Int) -> [Double] {
        forecast(after: Self.filter(y, spec: spec, period: period, parameters: parameters), horizon: horizon)
    }

    // MARK: Fitting

    /// Fits `spec` to `y` by minimizing the likelihood criterion over the smoothing coefficients
    /// (and damping) and the initial level and slope; the initial seasonal states come from a
    /// classical decomposition of the first four periods. Nil when the series is too short for
    /// the form (a seasonal model needs two full periods and more rows than parameters) or no
    /// valid fit exists.
    public static func fit(_ y: [Double], spec: ETSSpec, period: Int) -> ETSModel? {
        let n = y.count
        let m = spec.season == .none ? 1 : period
        if spec.season != .none && (m < 2 || n < 2 * m + 2) { return nil }
        if spec.error == .multiplicative || spec.season == .multiplicative, y.contains(where: { $0 <= 0 }) { return nil }
        var seasonal: [Double] = []
        var adjusted = y
        if spec.season != .none {
            let form: SeasonalForm = spec.season == .multiplicative ? .multiplicative : .additive
            let d = SeasonalDecomposition(Array(y.prefix(min(n, 4 * m))), period: m, form: form)
            seasonal = d.indices
            adjusted = d.deseasonalize(y)
        }
        // Initial level and slope: a line through the first (adjusted) values.
        let k = min(max(10, 2 * m), n)
        var level = adjusted[0], slope = 0.0
        if k >= 2 {
            let xs = (0..<k).map(Double.init), ys = Array(adjusted.prefix(k))
            let mx = xs.reduce(0, +) / Double(k), my = ys.reduce(0, +) / Double(k)
            var sxy = 0.0, sxx = 0.0
            for i in 0..<k { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
            slope = spec.trend == .none ? 0 : sxy / sxx
            level = spec.trend == .none ? ys.prefix(min(k, max(m, 1))).reduce(0, +) / Double(min(k, max(m, 1))) : my - slope * mx
        }
        let hasTrend = spec.trend != .none, hasSeason = spec.season != .none, damped = spec.trend == .damped
        let scale = max(y.map(abs).max() ?? 1, 1e-12)

        func parameters(_ x: [Double]) -> ETSParameters? {
            var i = 0
            func next() -> Double { defer { i += 1 }; return x[i] }
            let alpha = next()
            let beta = hasTrend ? next() : 0
            let gamma = hasSeason ? next() : 0
            let phi = damped ? next() : 1
            let l0 = next() * scale
            let b0 = hasTrend ? next() * scale : 0
            let lo = 1e-4
            guard alpha > lo, alpha < 1 - lo else { return nil }
            if hasTrend { guard beta > lo, beta < alpha else { return nil } }
            if hasSeason { guard gamma > lo, gamma < 1 - alpha else { return nil } }
            if damped { guard phi >= 0.8, phi <= 0.98 else { return nil } }
            if spec.error == .multiplicative || spec.season == .multiplicative { guard l0 > 0 else { return nil } }
            return ETSParameters(alpha: alpha, beta: beta, gamma: gamma, phi: phi, level: l0, slope: b0, seasonal: seasonal)
        }
        func objective(_ x: [Double]) -> Double {
            guard let p = parameters(x) else { return .infinity }
            let c = filter(y, spec: spec, period: m, parameters: p).criterion
            return c.isNaN ? .infinity : c
        }
        // Two starts, a slow and a fast level (the likelihood often has a local optimum at each),
        // each refined by a restart from its optimum, which escapes the collapsed simplices
        // Nelder–Mead is prone to; the better one wins.
        var best: (x: [Double], value: Double)?
        for alpha in [0.1, 0.5] {
            var start = [alpha]
            var step = [0.05]
            if hasTrend { start.append(0.01); step.append(0.005) }
            if hasSeason { start.append(0.01); step.append(0.005) }
            if damped { start.append(0.95); step.append(0.01) }
            start.append(level / scale); step.append(max(abs(level / scale) * 0.05, 1e-3))
            if hasTrend { start.append(slope / scale); step.append(max(abs(slope / scale) * 0.5, 1e-4)) }
            var r = NelderMead.minimize(objective, start: start, step: step)
            let again = NelderMead.minimize(objective, start: r.x, step: step.map { $0 * 0.5 })
            if again.value < r.value { r = again }
            if best == nil || r.value < best!.value { best = r }
        }
        guard let best else { return nil }
        guard best.value.isFinite, let p = parameters(best.x) else { return nil }
        // Free parameters: the coefficients, the initial states (m − 1 free seasonal ones), and the variance.
        let count = Double(best.x.count + (hasSeason ? m - 1 : 0) + 1)
        let aic = best.value + 2 * count
        let denominator = Double(n) - count - 1
        let aicc = denominator > 0 ? aic + 2 * count * (count + 1) / denominator : .infinity
        return ETSModel(spec: spec, period: m, parameters: p, criterion: best.value, aicc: aicc)
    }

    /// Fits every candidate form (`ETSSpec.candidates`) and keeps the one with the lowest AICc,
    /// as `forecast::ets` and statsforecast's `AutoETS` do. Seasonal forms are tried when
    /// `period` ≥ 2 and the series holds two periods and more; multiplicative ones when every
    /// value is positive. Always returns a model: ETS(A,N,N) fits any series of two or more rows.
    public static func select(_ y: [Double], period: Int, candidates: [ETSSpec]? = nil) -> ETSModel {
        let positive = !y.contains { $0 <= 0 }
        let seasonal = period >= 2 && y.count >= 2 * period + 2
        let specs = candidates ?? ETSSpec.candidates(seasonal: seasonal, positive: positive)
        var best: ETSModel?
        for spec in specs {
            guard let model = fit(y, spec: spec, period: period) else { continue }
            if best == nil || model.aicc < best!.aicc { best = model }
        }
        if let best { return best }
        let fallback = ETSSpec(error: .additive, trend: .none, season: .none)
        return fit(y, spec: fallback, period: 1)
            ?? ETSModel(spec: fallback, period: 1, parameters: ETSParameters(alpha: 0.5, level: y.first ?? 0),
                        criterion: .infinity, aicc: .infinity)
    }
}

import Foundation
