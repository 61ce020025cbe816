/// Point-forecast accuracy measures over a set of (actual, predicted) pairs.
///
/// A pair in which either value is NaN or infinite is skipped (missing actuals are NaN);
/// ``count`` is the number of pairs used. A measure is `nil` when it is undefined for the pairs
/// at hand, and every measure is `nil` when ``count`` is 0. In JSON a `nil` measure is `null`,
/// and all keys are always present.
public struct MetricSet: Codable, Equatable, Sendable {
    /// Mean absolute error, `mean(|p - a|)`.
    public var mae: Double?
    /// Root mean squared error, `sqrt(mean((p - a)²))`.
    public var rmse: Double?
    /// Mean absolute percentage error in percent, `mean(100 |p - a| / |a|)`, over the pairs whose
    /// actual is not zero. `nil` when every actual is zero.
    public var mape: Double?
    /// Symmetric MAPE in percent, `mean(200 |p - a| / (|a| + |p|))`, from 0 to 200. A pair with
    /// `a = p = 0` counts as 0.
    public var smape: Double?
    /// Mean absolute scaled error: the MAE divided by the in-sample MAE of the seasonal naive
    /// forecast on the training series (see ``seasonalNaiveScale(trainingSeries:season:)``).
    /// `nil` when that scale is undefined or zero (a training series shorter than one season
    /// plus one value, or one that repeats exactly with the season).
    public var mase: Double?
    /// Coefficient of determination, `1 - SSres / SStot`, where `SStot` is the sum of squared
    /// deviations of the actuals from their mean. `nil` when `SStot` is 0 (fewer than two pairs,
    /// or constant actuals). Negative when the forecast is worse than the actuals' mean.
    public var r2: Double?
    /// Mean error, `mean(p - a)`: positive when the forecast runs high.
    public var bias: Double?
    /// The number of pairs used.
    public var count: Int

    public init(
        mae: Double?, rmse: Double?, mape: Double?, smape: Double?, mase: Double?,
        r2: Double?, bias: Double?, count: Int
    ) {
        self.mae = mae
        self.rmse = rmse
        self.mape = mape
        self.smape = smape
        self.mase = mase
        self.r2 = r2
        self.bias = bias
        self.count = count
    }

    /// The metrics of no pairs: count 0, every measure `nil`.
    public static let empty = MetricSet(
        mae: nil, rmse: nil, mape: nil, smape: nil, mase: nil, r2: nil, bias: nil, count: 0)

    private enum CodingKeys: String, CodingKey {
        case mae, rmse, mape, smape, mase, r2, bias, count
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mae = try c.decodeIfPresent(Double.self, forKey: .mae)
        rmse = try c.decodeIfPresent(Double.self, forKey: .rmse)
        mape = try c.decodeIfPresent(Double.self, forKey: .mape)
        smape = try c.decodeIfPresent(Double.self, forKey: .smape)
        mase = try c.decodeIfPresent(Double.self, forKey: .mase)
        r2 = try c.decodeIfPresent(Double.self, forKey: .r2)
        bias = try c.decodeIfPresent(Double.self, forKey: .bias)
        count = try c.decode(Int.self, forKey: .count)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeFiniteOrNull(mae, forKey: .mae)
        try c.encodeFiniteOrNull(rmse, forKey: .rmse)
        try c.encodeFiniteOrNull(mape, forKey: .mape)
        try c.encodeFiniteOrNull(smape, forKey: .smape)
        try c.encodeFiniteOrNull(mase, forKey: .mase)
        try c.encodeFiniteOrNull(r2, forKey: .r2)
        try c.encodeFiniteOrNull(bias, forKey: .bias)
        try c.encode(count, forKey: .count)
    }
}

extension KeyedEncodingContainer {
    /// Writes `value`, or `null` when it is `nil` or not finite (JSON has no NaN).
    mutating func encodeFiniteOrNull(_ value: Double?, forKey key: Key) throws {
        if let value, value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

/// Scores `predicted` against `actual`.
///
/// MASE is scaled by ``seasonalNaiveScale(trainingSeries:season:)`` of `trainingSeries` with
/// `season` (1 scales by the naive forecast). See ``MetricSet`` for each measure's definition
/// and for the handling of NaN.
///
/// - Precondition: `actual` and `predicted` have the same count.
public func computeMetrics(
    actual: [Double], predicted: [Double], trainingSeries: [Double], season: Int
) -> MetricSet {
    precondition(actual.count == predicted.count, "actual and predicted differ in length")
    let scale = seasonalNaiveScale(trainingSeries: trainingSeries, season: season)
    var accumulator = MetricAccumulator()
    for (a, p) in zip(actual, predicted) {
        accumulator.add(actual: a, predicted: p, scale: scale)
    }
    return accumulator.result
}

/// The in-sample MAE of the seasonal naive forecast on `trainingSeries`:
/// `mean(|y[t] - y[t - m]|)` for `t` in `m ..< n`, the denominator of MASE.
///
/// Pairs with a NaN are skipped. A `season` below 1 is treated as 1 (the naive forecast).
/// Returns `nil` when no pair is left or the result is 0, since MASE is then undefined.
public func seasonalNaiveScale(trainingSeries: [Double], season: Int) -> Double? {
    let m = max(1, season)
    guard trainingSeries.count > m else { return nil }
    var sum = 0.0
    var n = 0
    for t in m..<trainingSeries.count {
        let d = abs(trainingSeries[t] - trainingSeries[t - m])
        if d.isFinite {
            sum += d
            n += 1
        }
    }
    guard n > 0, sum > 0 else { return nil }
    return sum / Double(n)
}

/// Running sums for one ``MetricSet``; R² uses Welford's update for the actuals' spread.
struct MetricAccumulator {
    private var n = 0
    private var sumAbs = 0.0
    private var sumSquared = 0.0
    private var sumError = 0.0
    private var sumPercent = 0.0
    private var nPercent = 0
    private var sumSymmetric = 0.0
    private var sumScaled = 0.0
    private var nScaled = 0
    private var meanActual = 0.0
    private var m2Actual = 0.0

    /// Adds one pair; `scale` is the MASE denominator for this pair, if it has one.
    mutating func add(actual a: Double, predicted p: Double, scale: Double?) {
        guard a.isFinite, p.isFinite else { return }
        let e = p - a
        let absE = abs(e)
        n += 1
        sumAbs += absE
        sumSquared += e * e
        sumError += e
        if a != 0 {
            sumPercent += 100 * absE / abs(a)
            nPercent += 1
        }
        let denominator = abs(a) + abs(p)
        if denominator > 0 { sumSymmetric += 200 * absE / denominator }
        if let scale, scale > 0, scale.isFinite {
            sumScaled += absE / scale
            nScaled += 1
        }
        let delta = a - meanActual
        meanActual += delta / Double(n)
        m2Actual += delta * (a - meanActual)
    }

    var result: MetricSet {
        guard n > 0 else { return .empty }
        let count = Double(n)
        return MetricSet(
            mae: sumAbs / count,
            rmse: (sumSquared / count).squareRoot(),
            mape: nPercent > 0 ? sumPercent / Double(nPercent) : nil,
            smape: sumSymmetric / count,
            mase: nScaled > 0 ? sumScaled / Double(nScaled) : nil,
            r2: m2Actual > 0 ? 1 - sumSquared / m2Actual : nil,
            bias: sumError / count,
            count: n)
    }
}
