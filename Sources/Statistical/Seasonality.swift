/// Tests and helpers for a series' seasonal pattern.
public enum Seasonality {
    /// The plain sample autocorrelation at lags `0 ... maxLag` (about the mean, divided by the
    /// lag-0 sum), as R's `acf` and statsmodels' `acf` compute it. A constant series gives 0
    /// at every lag but 0.
    public static func autocorrelation(_ y: [Double], maxLag: Int) -> [Double] {
        let n = y.count
        guard n > 0 else { return [1] }
        let maxLag = max(0, min(maxLag, n - 1))
        let mean = y.reduce(0, +) / Double(n)
        let d = y.map { $0 - mean }
        let denominator = d.reduce(0) { $0 + $1 * $1 }
        guard denominator > 0 else { return [1] + [Double](repeating: 0, count: maxLag) }
        return (0...maxLag).map { lag in
            var s = 0.0
            for t in lag..<n { s += d[t] * d[t - lag] }
            return s / denominator
        }
    }

    /// Whether `y` is seasonal with period `period`, by the 90 % autocorrelation test the M4
    /// competition's benchmarks use: the autocorrelation at lag `period` must exceed
    /// 1.645 · sqrt((1 + 2 Σ_{k<period} r_k²) / n). Needs at least three full seasons; a
    /// period below 2 is never seasonal.
    public static func isSeasonal(_ y: [Double], period: Int) -> Bool {
        guard period >= 2, y.count >= 3 * period else { return false }
        let r = autocorrelation(y, maxLag: period)
        var sum = 0.0
        for k in 1..<period { sum += r[k] * r[k] }
        let limit = 1.645 * ((1 + 2 * sum) / Double(y.count)).squareRoot()
        return abs(r[period]) > limit
    }
}
