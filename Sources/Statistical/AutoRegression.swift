import Foundation

/// An autoregression on the differenced, seasonally adjusted series: ARIMA(p, d, 0) with a
/// constant, fitted by conditional least squares. The order of differencing comes from repeated
/// KPSS tests (as `forecast::ndiffs` chooses it), the lag order p from AICc; the season, when the
/// 90 % autocorrelation test finds one, is divided out first and put back on the forecasts. It
/// is the ARIMA family's cheap relative: it follows cycles (an AR(2) on levels) and trends (a
/// constant on differences) that smoothing models miss.
///
///     let ar = AutoRegression.fit(series, period: 12)
///     let next = ar.forecast(series, horizon: 12)
public struct AutoRegression: Codable, Equatable, Sendable {
    /// Times the series is differenced (0, 1 or 2).
    public let differences: Int
    /// The constant and the lag coefficients: x_t = c + Σ φ_i x_{t−i} on the differenced series.
    public let constant: Double
    public let coefficients: [Double]
    public let decomposition: SeasonalDecomposition?

    public init(differences: Int, constant: Double, coefficients: [Double], decomposition: SeasonalDecomposition?) {
        self.differences = differences; self.constant = constant; self.coefficients = coefficients
        self.decomposition = decomposition
    }

    /// Fits to `y` (at least 8 rows); `maxOrder` bounds p.
    public static func fit(_ y: [Double], period: Int, maxOrder: Int = 12) -> AutoRegression {
        let decomposition = ThetaModel.decompositionIfSeasonal(y, period: period)
        let adjusted = decomposition?.deseasonalize(y) ?? y
        var d = 0
        var x = adjusted
        while d < 2, x.count > 12, kpssStatistic(x, lags: shortLags(x.count)) > 0.463 {
            x = difference(x)
            d += 1
        }
        var best: (aicc: Double, constant: Double, coefficients: [Double])?
        let limit = max(0, min(maxOrder, x.count / 4))
        for p in 0...limit {
            // Every order is scored on the same rows (those after the longest lag).
            guard let fit = leastSquares(x, order: p, skip: limit) else { continue }
            let n = Double(x.count - limit), k = Double(p + 2)
            guard n - k - 1 > 0 else { continue }
            let aicc = n * log(max(fit.sse / n, 1e-300)) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
            if best == nil || aicc < best!.aicc { best = (aicc, fit.constant, fit.coefficients) }
        }
        let mean = x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
        return AutoRegression(differences: d, constant: best?.constant ?? mean, coefficients: best?.coefficients ?? [],
                              decomposition: decomposition)
    }

    /// The `horizon` forecasts after the end of `y`.
    public func forecast(_ y: [Double], horizon: Int) -> [Double] {
        let adjusted = decomposition?.deseasonalize(y) ?? y
        var levels: [[Double]] = [adjusted]
        for _ in 0..<differences { levels.append(Self.difference(levels.last!)) }
        var x = levels.last!
        let start = x.count
        for _ in 0..<horizon {
            var v = constant
            for (i, phi) in coefficients.enumerated() { v += phi * (x.count - 1 - i >= 0 ? x[x.count - 1 - i] : 0) }
            x.append(v)
        }
        var path = Array(x[start...])
        // Integrate back, one difference at a time, from each level's last observed value.
        for level in levels.dropLast().reversed() {
            var last = level.last ?? 0
            path = path.map { last += $0; return last }
        }
        return decomposition?.reseasonalize(path, startingAt: y.count) ?? path
    }

    /// Least squares of x_t on 1, x_{t−1}, …, x_{t−order} over t ≥ `skip`.
    public static func leastSquares(_ x: [Double], order p: Int, skip: Int) -> (constant: Double, coefficients: [Double], sse: Double)? {
        let k = p + 1
        let rows = x.count - skip
        guard rows > k else { return nil }
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        func regressors(_ t: Int) -> [Double] { [1] + (1...max(p, 1)).prefix(p).map { x[t - $0] } }
        for t in skip..<x.count {
            let r = regressors(t)
            for i in 0..<k {
                b[i] += r[i] * x[t]
                for j in 0..<k { a[i * k + j] += r[i] * r[j] }
            }
        }
        guard let beta = solve(a, b, k) else { return nil }
        var sse = 0.0
        for t in skip..<x.count {
            let r = regressors(t)
            var f = 0.0
            for i in 0..<k { f += beta[i] * r[i] }
            sse += (x[t] - f) * (x[t] - f)
        }
        return (beta[0], Array(beta.dropFirst()), sse)
    }

    /// The KPSS statistic for level stationarity with a Bartlett-weighted long-run variance over `lags` lags.
    public static func kpssStatistic(_ y: [Double], lags: Int) -> Double {
        let n = y.count
        guard n > 1 else { return 0 }
        let mean = y.reduce(0, +) / Double(n)
        let e = y.map { $0 - mean }
        var s = 0.0, eta = 0.0
        for v in e { s += v; eta += s * s }
        var variance = e.reduce(0) { $0 + $1 * $1 } / Double(n)
        for lag in stride(from: 1, through: min(lags, n - 1), by: 1) {
            var c = 0.0
            for t in lag..<n { c += e[t] * e[t - lag] }
            variance += 2 * (1 - Double(lag) / Double(lags + 1)) * c / Double(n)
        }
        guard variance > 0 else { return 0 }
        return eta / (Double(n) * Double(n) * variance)
    }

    /// The short lag truncation of R's `tseries::kpss.test`: ⌊4 (n/100)^¼⌋.
    public static func shortLags(_ n: Int) -> Int { Int(4 * pow(Double(n) / 100, 0.25)) }

    static func difference(_ x: [Double]) -> [Double] {
        x.count < 2 ? [] : (1..<x.count).map { x[$0] - x[$0 - 1] }
    }

    /// Solves the k×k system a·β = b by Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ a: [Double], _ b: [Double], _ k: Int) -> [Double]? {
        var m = a, v = b
        for col in 0..<k {
            let pivot = (col..<k).max { abs(m[$0 * k + col]) < abs(m[$1 * k + col]) }!
            guard abs(m[pivot * k + col]) > 1e-12 * max(1, abs(m[col * k + col])) else { return nil }
            if pivot != col {
                for j in 0..<k { m.swapAt(pivot * k + j, col * k + j) }
                v.swapAt(pivot, col)
            }
            for r in (col + 1)..<k {
                let f = m[r * k + col] / m[col * k + col]
                guard f != 0 else { continue }
                for j in col..<k { m[r * k + j] -= f * m[col * k + j] }
                v[r] -= f * v[col]
            }
        }
        var beta = [Double](repeating: 0, count: k)
        for r in stride(from: k - 1, through: 0, by: -1) {
            var s = v[r]
            for j in (r + 1)..<k { s -= m[r * k + j] * beta[j] }
            beta[r] = s / m[r * k + r]
        }
        return beta
    }
}
