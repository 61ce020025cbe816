/// The sampling frequency of a series, for a default seasonal period.
public enum SamplingFrequency: String, CaseIterable, Codable, Sendable {
    case halfHourly = "half-hourly"
    case hourly
    case daily
    /// Daily on weekdays only, as stock market data.
    case businessDaily = "business-daily"
    case weekly
    case monthly
    case quarterly
    case yearly

    /// The usual seasonal period: the number of observations in a day for sub-daily data, a
    /// week for daily data (7, or 5 for business days), a year otherwise (52, 12, 4); 1 for
    /// yearly data (no season).
    public var seasonalPeriod: Int {
        switch self {
        case .halfHourly: 48
        case .hourly: 24
        case .daily: 7
        case .businessDaily: 5
        case .weekly: 52
        case .monthly: 12
        case .quarterly: 4
        case .yearly: 1
        }
    }

    /// Infers the frequency from increasing timestamps in seconds, from the median spacing;
    /// daily data in which at least a tenth of the gaps span two to four days (weekends and
    /// holidays) is business-daily. `nil` with fewer than two finite timestamps or a spacing
    /// that matches none of the cases within 20 %.
    public init?(timestamps seconds: [Double]) {
        var gaps: [Double] = []
        gaps.reserveCapacity(max(0, seconds.count - 1))
        for i in seconds.indices.dropFirst() {
            let gap = seconds[i] - seconds[i - 1]
            if gap.isFinite, gap > 0 { gaps.append(gap) }
        }
        guard !gaps.isEmpty else { return nil }
        gaps.sort()
        let median = gaps[gaps.count / 2]
        let day = 86_400.0
        let candidates: [(SamplingFrequency, Double)] = [
            (.halfHourly, 1_800), (.hourly, 3_600), (.daily, day), (.weekly, 7 * day),
            (.monthly, 30.44 * day), (.quarterly, 91.31 * day), (.yearly, 365.25 * day),
        ]
        guard let match = candidates.first(where: { abs(median - $0.1) <= 0.2 * $0.1 }) else { return nil }
        if match.0 == .daily {
            let weekendGaps = gaps.filter { $0 >= 1.8 * day && $0 <= 4.2 * day }.count
            self = 10 * weekendGaps >= gaps.count ? .businessDaily : .daily
        } else {
            self = match.0
        }
    }
}

/// The autocorrelation of `series` at lags `0 ... maxLag` (entry `k` is lag `k`; entry 0 is 1).
///
/// The series is detrended with a least-squares line first, so a trend does not hide a
/// season. Pairs with a NaN are skipped. Lags with no pairs, and every lag of a constant
/// series, have autocorrelation 0.
public func autocorrelation(series: [Double], maxLag: Int) -> [Double] {
    let n = series.count
    let maxLag = max(0, min(maxLag, n - 1))
    var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, count = 0.0
    for (t, y) in series.enumerated() where y.isFinite {
        let x = Double(t)
        sx += x; sy += y; sxx += x * x; sxy += x * y; count += 1
    }
    guard count > 1 else { return [1] + [Double](repeating: 0, count: maxLag) }
    let denominator = count * sxx - sx * sx
    let slope = denominator != 0 ? (count * sxy - sx * sy) / denominator : 0
    let intercept = (sy - slope * sx) / count
    let residual = series.enumerated().map { t, y in y - (intercept + slope * Double(t)) }
    let variance = residual.reduce(0) { $1.isFinite ? $0 + $1 * $1 : $0 } / count
    guard variance > 0 else { return [1] + [Double](repeating: 0, count: maxLag) }
    var acf = [1.0]
    for lag in stride(from: 1, through: maxLag, by: 1) {
        var sum = 0.0
        var pairs = 0.0
        for t in lag..<n {
            let product = residual[t] * residual[t - lag]
            if product.isFinite { sum += product; pairs += 1 }
        }
        acf.append(pairs > 0 ? sum / pairs / variance : 0)
    }
    return acf
}

/// The seasonal period of `series`, from its autocorrelation (see
/// ``autocorrelation(series:maxLag:)``) at lags `2 ... maxLag`.
///
/// The candidates are the local peaks of the autocorrelation above both 0.25 and `3 / sqrt(n)`
/// (well outside white noise). Multiples of the season peak too, often about as high, so the
/// answer is the shortest candidate whose peak is at least 80 % of the highest. Returns 1 (no
/// season) when there is no candidate. `maxLag` is capped at half the series length.
///
/// When `hint` is given (such as ``SamplingFrequency/seasonalPeriod``) and the series holds at
/// least two full seasons of it, the hint is returned as is: the caller's knowledge of the
/// calendar beats an estimate.
public func inferSeason(series: [Double], maxLag: Int, hint: Int? = nil) -> Int {
    if let hint, hint >= 1, series.count >= 2 * hint { return hint }
    let maxLag = min(maxLag, series.count / 2)
    guard maxLag >= 2 else { return 1 }
    let acf = autocorrelation(series: series, maxLag: maxLag + 1)
    let threshold = max(0.25, 3 / Double(series.count).squareRoot())
    let peaks = (2...maxLag).filter { lag in
        acf[lag] > threshold && acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1]
    }
    guard let highest = peaks.map({ acf[$0] }).max() else { return 1 }
    return peaks.first { acf[$0] >= 0.8 * highest }!
}
