import Foundation

/// An autoregression on the differenced series: a seasonal ARIMA(p, d, 0)(P, D, 0) with a
/// constant, fitted by conditional least squares. A positive series is modelled in logs (its
/// forecasts are the exponentials of the log forecasts): growth and seasonal swings that scale
/// with the level, common in sales, traffic and prices, become additive and constant there,
/// which a linear model with a constant follows. A strong season (strength above 0.64, the
/// threshold `forecast::nsdiffs` and statsforecast use) is removed by a seasonal difference
/// (D = 1) and seasonal lags m and 2m may enter the regression (P up to 2), which follows a
/// season that drifts or grows; a weaker season that the 90 % autocorrelation test still finds
/// is divided out by classical decomposition and put back on the forecasts. The order of
/// ordinary differencing comes from repeated KPSS tests (as `forecast::ndiffs` chooses it), the
/// lag orders from AICc. It is the ARIMA family's cheap relative: it follows cycles (an AR(2) on
/// levels) and trends (a constant on differences) that smoothing models miss.
///
///     let ar = AutoRegression.fit(series, period: 12)
///     let next = ar.forecast(series, horizon: 12)
public struct AutoRegression: Codable, Equatable, Sendable {
    /// Times the series is differenced (0, 1 or 2), after the seasonal difference if any.
    public let differences: Int
    /// The seasonal difference's lag (the period), or 0 without one.
    public let seasonalLag: Int
    /// The constant and the lag coefficients: x_t = c + Σ φ_i x_{t−lags[i]} on the differenced series.
    public let constant: Double
    public let coefficients: [Double]
    public let lags: [Int]
    /// The seasonal indices removed before differencing (additive when `logged`), for a season
    /// too weak for a seasonal difference.
    public let decomposition: SeasonalDecomposition?
    /// Whether the model works on the logs of the series (fitted to a positive series).
    public let logged: Bool

    public init(differences: Int, seasonalLag: Int = 0, constant: Double, coefficients: [Double], lags: [Int]? = nil,
                decomposition: SeasonalDecomposition?, logged: Bool = false) {
        self.differences = differences; self.seasonalLag = seasonalLag; self.constant = constant
        self.coefficients = coefficients; self.lags = lags ?? Array((1...max(coefficients.count, 1)).prefix(coefficients.count))
        self.decomposition = decomposition
        self.logged = logged
    }

    private enum CodingKeys: String, CodingKey { case differences, seasonalLag, constant, coefficients, lags, decomposition, logged }

    /// Models saved before `logged` existed worked on the values as they are.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(differences: try c.decode(Int.self, forKey: .differences), seasonalLag: try c.decode(Int.self, forKey: .seasonalLag),
                  constant: try c.decode(Double.self, forKey: .constant), coefficients: try c.decode([Double].self, forKey: .coefficients),
                  lags: try c.decode([Int].self, forKey: .lags),
                  decomposition: try c.decodeIfPresent(SeasonalDecomposition.self, forKey: .decomposition),
                  logged: try c.decodeIfPresent(Bool.self, forKey: .logged) ?? false)
    }

    /// Fits to `y` (at least 8 rows); `maxOrder` bounds p.
    public static func fit(_ y: [Double], period: Int, maxOrder: Int = 12) -> AutoRegression {
        let m = period
        let logged = !y.isEmpty && y.allSatisfy { $0 > 0 }
        let z = logged ? y.map { Foundation.log($0) } : y
        // `seasonalStrength` measures the season of a positive series in logs already.
        let seasonalDifference = m >= 2 && y.count >= 3 * m + 12 && seasonalStrength(y, period: m) > 0.64
        let decomposition = seasonalDifference ? nil
            : ThetaModel.decompositionIfSeasonal(z, period: m, form: logged ? .additive : nil)
        var x = decomposition?.deseasonalize(z) ?? z
        if seasonalDifference { x = (m..<x.count).map { x[$0] - x[$0 - m] } }
        var d = 0
        while d < (seasonalDifference ? 1 : 2), x.count > 12, kpssStatistic(x, lags: shortLags(x.count)) > 0.463 {
            x = difference(x)
            d += 1
        }
        var best: (aicc: Double, constant: Double, coefficients: [Double], lags: [Int])?
        let limit = max(0, min(maxOrder, x.count / 4))
        let seasonalOrders = seasonalDifference ? (0...2).filter { $0 * m + limit < x.count / 2 } : [0]
        let skip = limit + (seasonalOrders.max() ?? 0) * m
        for p in 0...limit {
            for q in seasonalOrders {
                let lags = Array((1...max(p, 1)).prefix(p)) + (1...max(q, 1)).prefix(q).map { $0 * m }
                // Every order is scored on the same rows (those after the longest lag).
                guard let fit = leastSquares(x, lags: lags, skip: skip) else { continue }
                let n = Double(x.count - skip), k = Double(lags.count + 2)
                guard n - k - 1 > 0 else { continue }
                let aicc = n * log(max(fit.sse / n, 1e-300)) + 2 * k + 2 * k * (k + 1) / (n - k - 1)
                if best == nil || aicc < best!.aicc { best = (aicc, fit.constant, fit.coefficients, lags) }
            }
        }
        let mean = x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
        return AutoRegression(differences: d, seasonalLag: seasonalDifference ? m : 0, constant: best?.constant ?? mean,
                              coefficients: best?.coefficients ?? [], lags: best?.lags ?? [], decomposition: decomposition,
                              logged: logged)
    }

    /// The strength of the season of `y` (Wang, Smith and Hyndman 2006): 1 − Var(R) / Var(S + R)
    /// for the seasonal part S and remainder R of an additive classical decomposition (of the
    /// logs, for a positive series), at least 0. Needs two full periods.
    public static func seasonalStrength(_ y: [Double], period m: Int) -> Double {
        guard m >= 2, y.count >= 2 * m else { return 0 }
        let z = y.allSatisfy { $0 > 0 } ? y.map { Foundation.log($0) } : y
        let d = SeasonalDecomposition(z, period: m, form: .additive)
        let trend = SeasonalDecomposition.trend(z, period: m)
        var seasonalPlusRemainder: [Double] = [], remainder: [Double] = []
        for t in z.indices where trend[t].isFinite {
            let detrended = z[t] - trend[t]
            seasonalPlusRemainder.append(detrended)
            remainder.append(detrended - d.index(at: t))
        }
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        }
        let total = variance(seasonalPlusRemainder)
        return total > 0 ? max(0, 1 - variance(remainder) / total) : 0
    }

    /// The `horizon` forecasts after the end of `y`.
    public func forecast(_ y: [Double], horizon: Int) -> [Double] {
        // A logged model given a value ≤ 0 (a series that turned non-positive after fitting)
        // forecasts NaN rather than a wrong number; the recipe checks first and names the row.
        let z = logged ? y.map { $0 > 0 ? Foundation.log($0) : .nan } : y
        let adjusted = decomposition?.deseasonalize(z) ?? z
        let m = seasonalLag
        let base = m > 0 && adjusted.count > m ? (m..<adjusted.count).map { adjusted[$0] - adjusted[$0 - m] } : adjusted
        var levels: [[Double]] = [base]
        for _ in 0..<differences { levels.append(Self.difference(levels.last!)) }
        var x = levels.last!
        let start = x.count
        for _ in 0..<horizon {
            var v = constant
            for (lag, phi) in zip(lags, coefficients) { v += phi * (x.count - lag >= 0 ? x[x.count - lag] : 0) }
            x.append(v)
        }
        var path = Array(x[start...])
        // Integrate back, one difference at a time, from each level's last observed value.
        for level in levels.dropLast().reversed() {
            var last = level.last ?? 0
            path = path.map { last += $0; return last }
        }
        if m > 0 && adjusted.count > m {
            // Undo the seasonal difference: each value adds the one a period before it.
            var extended = adjusted
            for v in path { extended.append(v + extended[extended.count - m]) }
            path = Array(extended[adjusted.count...])
        }
        let forecast = decomposition?.reseasonalize(path, startingAt: y.count) ?? path
        return logged ? forecast.map { Foundation.exp($0) } : forecast
    }

    /// Least squares of x_t on 1, x_{t−1}, …, x_{t−order} over t ≥ `skip`.
    public static func leastSquares(_ x: [Double], order p: Int, skip: Int) -> (constant: Double, coefficients: [Double], sse: Double)? {
        leastSquares(x, lags: Array((1...max(p, 1)).prefix(p)), skip: skip)
    }

    /// Least squares of x_t on 1 and x_{t−lag} for each of `lags`, over t ≥ `skip`.
    public static func leastSquares(_ x: [Double], lags: [Int], skip: Int) -> (constant: Double, coefficients: [Double], sse: Double)? {
        let k = lags.count + 1
        let rows = x.count - skip
        guard rows > k, skip >= (lags.max() ?? 0) else { return nil }
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        func regressors(_ t: Int) -> [Double] { [1] + lags.map { x[t - $0] } }
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
