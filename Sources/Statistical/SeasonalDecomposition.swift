/// How a seasonal pattern combines with the rest of a series.
public enum SeasonalForm: String, Codable, Sendable, CaseIterable {
    /// y = trend + season (+ noise).
    case additive
    /// y = trend × season (× noise); the series must be positive.
    case multiplicative
}

/// Classical seasonal decomposition (a centred moving average of one period as the trend, then
/// the mean detrended value of each phase), as R's `decompose` and statsmodels'
/// `seasonal_decompose` compute it. Only the seasonal indices are kept: they deseasonalize the
/// history and reseasonalize forecasts.
///
///     let d = SeasonalDecomposition(series, period: 12, form: .multiplicative)
///     let adjusted = d.deseasonalize(series)            // phase of row t is t % 12
///     let forecast = d.reseasonalize(flat, startingAt: series.count)
public struct SeasonalDecomposition: Codable, Equatable, Sendable {
    public let period: Int
    public let form: SeasonalForm
    /// `indices[p]` is the seasonal effect of phase `p` (row `t` has phase `t % period`): they sum
    /// to 0 (additive) or average 1 (multiplicative).
    public let indices: [Double]

    public init(period: Int, form: SeasonalForm, indices: [Double]) {
        self.period = period
        self.form = form
        self.indices = indices
    }

    /// Decomposes `y` (at least two full periods). The centred moving average has `period`
    /// terms for an odd period and a 2×`period` average for an even one.
    public init(_ y: [Double], period m: Int, form: SeasonalForm) {
        precondition(m >= 2 && y.count >= 2 * m, "decomposition needs two full periods")
        let n = y.count
        let trend = Self.trend(y, period: m)
        var sums = [Double](repeating: 0, count: m), counts = [Double](repeating: 0, count: m)
        for t in 0..<n where trend[t].isFinite {
            sums[t % m] += form == .multiplicative ? y[t] / trend[t] : y[t] - trend[t]
            counts[t % m] += 1
        }
        var idx = (0..<m).map { counts[$0] > 0 ? sums[$0] / counts[$0] : (form == .multiplicative ? 1 : 0) }
        let mean = idx.reduce(0, +) / Double(m)
        idx = idx.map { form == .multiplicative ? $0 / mean : $0 - mean }
        self.init(period: m, form: form, indices: idx)
    }

    /// The centred moving average of one period (NaN for the first and last half period).
    public static func trend(_ y: [Double], period m: Int) -> [Double] {
        let n = y.count
        var trend = [Double](repeating: .nan, count: n)
        let half = m / 2
        guard n > 2 * half else { return trend }
        for t in half..<(n - half) {
            var s = 0.0
            if m % 2 == 0 {
                s = 0.5 * y[t - half] + 0.5 * y[t + half]
                for k in (t - half + 1)..<(t + half) { s += y[k] }
            } else {
                for k in (t - half)...(t + half) { s += y[k] }
            }
            trend[t] = s / Double(m)
        }
        return trend
    }

    /// The seasonal index of row `t`.
    public func index(at t: Int) -> Double { indices[((t % period) + period) % period] }

    /// `y` without its seasonal effect; row 0 of `y` is row `start` of the decomposed series.
    public func deseasonalize(_ y: [Double], startingAt start: Int = 0) -> [Double] {
        y.enumerated().map { t, v in form == .multiplicative ? v / index(at: start + t) : v - index(at: start + t) }
    }

    /// Puts the seasonal effect back on values whose first one is row `start`.
    public func reseasonalize(_ y: [Double], startingAt start: Int) -> [Double] {
        y.enumerated().map { t, v in form == .multiplicative ? v * index(at: start + t) : v + index(at: start + t) }
    }
}
