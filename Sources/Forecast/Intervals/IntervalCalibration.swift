import Foundation

/// How the conformal scores of ``IntervalCalibration`` are normalized before their quantile is
/// taken.
public enum IntervalScaling: String, Codable, Sendable, CaseIterable {
    /// By the step's typical error only: intervals are as wide at every origin.
    case step
    /// Also by the local spread of the series at the origin (the mean absolute change over the
    /// last ``IntervalCalibration/spreadWindow`` rows): intervals widen where the series moves
    /// more, and grow with the level of a series whose swings grow with it.
    case local
}

/// Split-conformal calibration of one target's forecast: what `predict` needs to put intervals
/// around a point forecast without the training data.
///
/// Scores come from the forecasts made at calibration origins on the latest training rows
/// (the validation rows, whose values the network's weights and the classical members' fits
/// never saw): for the forecast from origin `o` of the row `o + h - 1` (step `h`), the score is
///
///     |y - ŷ| / (σ_h · s_o)
///
/// where `σ_h` is the step's error scale (``stepScales``: a power law `a · h^b`, `0 ≤ b ≤ 1`,
/// fitted to the mean normalized error of each step, so that a few origins still give a
/// smooth, non-decreasing shape) and `s_o` the local spread at the origin (1 with
/// ``IntervalScaling/step``). Pooling the steps' scores is what makes a 95 % interval possible
/// from the handful of origins a short series offers.
///
/// The interval at level `L` is `ŷ ± q · σ_h · s_o`, where `q` is the `⌈(n + 1) L⌉`-th smallest
/// of the `n` scores (split conformal's finite-sample correction).
///
/// **What it guarantees**: if the new forecast's score and the calibration scores are
/// exchangeable, the interval covers the value with probability at least `L`, averaged over
/// origins and steps. **What it does not**: coverage at each step, at each origin or
/// conditionally on the recent past (a calm period followed by a volatile one is
/// under-covered), nor anything when the series changes its behaviour after the calibration
/// rows. With fewer than `1 / (1 − L) − 1` scores the largest score is used, and the level is
/// then not guaranteed.
public struct IntervalCalibration: Codable, Equatable, Sendable {
    public var target: String
    public var scaling: IntervalScaling
    /// `σ_h` for steps 1…horizon.
    public var stepScales: [Double]
    /// The normalized scores, ascending (at most ``maxStoredScores``, evenly spaced order
    /// statistics of all of them).
    public var scores: [Double]
    /// How many scores the calibration had (before thinning to ``maxStoredScores``).
    public var scoreCount: Int
    /// How many forecast origins they came from.
    public var origins: Int
    /// Rows the local spread averages over.
    public var spreadWindow: Int
    /// The mean absolute change of the whole fitted series: the floor (one tenth of it) of a
    /// local spread, so that a flat stretch does not collapse the interval.
    public var typicalSpread: Double
    /// With a quantile head and the network alone: the levels its quantile pairs conformalize
    /// (see ``QuantileInterval``); empty otherwise.
    public var quantileIntervals: [QuantileInterval] = []

    public init(target: String, scaling: IntervalScaling, stepScales: [Double], scores: [Double], scoreCount: Int, origins: Int,
                spreadWindow: Int, typicalSpread: Double) {
        self.target = target
        self.scaling = scaling
        self.stepScales = stepScales
        self.scores = scores
        self.scoreCount = scoreCount
        self.origins = origins
        self.spreadWindow = spreadWindow
        self.typicalSpread = typicalSpread
    }

    /// The most scores a model file keeps; their quantiles move by less than `1 / maxStoredScores`.
    public static let maxStoredScores = 1000

    /// The conformal multiplier `q` at `level` (a fraction in (0, 1)).
    public func quantile(level: Double) -> Double {
        Self.conformalQuantile(scores, count: scoreCount, steps: stepScales.count, level: level)
    }

    /// The conformal quantile at `level` of `count` scores pooled over `steps` horizon steps, of
    /// which `sorted` holds evenly spaced order statistics (all of them, or a thinned set).
    ///
    /// The pooled scores are not independent: each origin gives one score per step, and
    /// neighbouring origins overlap. The finite-sample correction therefore counts the
    /// exchangeable units, the scores per step (m = count / steps), and reads the pooled scores
    /// at that corrected level, ⌈(m + 1) L⌉ / m, or at the ⌈(count + 1) L⌉-th score if that is
    /// higher.
    static func conformalQuantile(_ sorted: [Double], count: Int, steps: Int, level: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let n = Double(count)
        let perStep = max(1, n / Double(max(1, steps)))
        let corrected = min(1, ((perStep + 1) * level).rounded(.up) / perStep)
        let rank = min(n, max(((n + 1) * level).rounded(.up), (corrected * n).rounded(.up)))
        let position = (rank - 1) / Double(max(1, count - 1)) * Double(sorted.count - 1)
        let i = min(sorted.count - 1, max(0, Int(position.rounded(.up))))
        return sorted[i]
    }

    /// At most ``maxStoredScores`` evenly spaced order statistics of `sorted`.
    static func thinned(_ sorted: [Double]) -> [Double] {
        guard sorted.count > maxStoredScores else { return sorted }
        let m = maxStoredScores
        return (0..<m).map { sorted[Int((Double($0) / Double(m - 1) * Double(sorted.count - 1)).rounded())] }
    }

    /// The local spread of `series` before row `end`: the mean absolute change over the last
    /// `spreadWindow` rows, floored at a tenth of ``typicalSpread``. 1 with ``IntervalScaling/step``.
    public func spread(_ series: [Double], before end: Int) -> Double {
        guard scaling == .local else { return 1 }
        return Self.localSpread(series, before: end, window: spreadWindow, floor: typicalSpread / 10)
    }

    /// The half-widths of the intervals at `levels` (fractions) for each step, from `origin`
    /// of `series`: result[step][level].
    public func halfWidths(levels: [Double], series: [Double], before end: Int) -> [[Double]] {
        let s = spread(series, before: end)
        let q = levels.map { quantile(level: $0) }
        return stepScales.map { sigma in q.map { $0 * sigma * s } }
    }

    static func localSpread(_ y: [Double], before end: Int, window: Int, floor: Double) -> Double {
        var sum = 0.0, n = 0
        var t = end - 1
        while t >= 1 && t >= end - window {
            let d = abs(y[t] - y[t - 1])
            if d.isFinite { sum += d; n += 1 }
            t -= 1
        }
        let local = n > 0 ? sum / Double(n) : floor
        return Swift.max(local, floor, .leastNormalMagnitude)
    }

    /// The rows a local spread averages: two seasons, at least 20 and at most 500.
    static func spreadWindow(season: Int) -> Int { min(500, max(20, 2 * season)) }

    /// Calibrates from forecast errors. `errors[i][h]` is the error of the forecast from
    /// `origins[i]` at step `h + 1` (NaN where the row is outside the calibration rows or missing);
    /// `series` is the target as the forecasts saw it; `fitted` its rows the models were fitted
    /// on (for ``typicalSpread``). Nil when no error is known.
    static func calibrate(target: String, scaling: IntervalScaling, errors: [[Double]], origins: [Int], series: [Double],
                          fitted: Range<Int>, season: Int) -> IntervalCalibration? {
        guard let horizon = errors.first?.count, horizon > 0 else { return nil }
        let window = spreadWindow(season: season)
        let typical = Self.localSpread(series, before: fitted.upperBound, window: fitted.count, floor: 0)
        var c = IntervalCalibration(target: target, scaling: scaling, stepScales: [], scores: [], scoreCount: 0,
                                    origins: origins.count, spreadWindow: window, typicalSpread: typical)
        // Errors relative to the origin's spread, then each step's mean of their magnitudes.
        let relative: [[Double]] = zip(errors, origins).map { row, o in
            let s = c.spread(series, before: o)
            return row.map { abs($0) / s }
        }
        var means: [(step: Double, mean: Double, count: Double)] = []
        for h in 0..<horizon {
            let known = relative.map { $0[h] }.filter(\.isFinite)
            guard !known.isEmpty else { continue }
            means.append((Double(h + 1), known.reduce(0, +) / Double(known.count), Double(known.count)))
        }
        guard !means.isEmpty else { return nil }
        c.stepScales = powerLaw(means, horizon: horizon)
        var scores: [Double] = []
        for row in relative {
            for h in 0..<horizon where row[h].isFinite { scores.append(row[h] / c.stepScales[h]) }
        }
        scores.sort()
        c.scoreCount = scores.count
        c.scores = thinned(scores)
        return c
    }

    /// `a · h^b` fitted by weighted least squares on log mean against log step, `b` clamped to
    /// [0, 1] (errors that grow with the step, at most linearly); a step whose mean is 0 counts
    /// at a millionth of the largest.
    static func powerLaw(_ means: [(step: Double, mean: Double, count: Double)], horizon: Int) -> [Double] {
        let floor = (means.map(\.mean).max() ?? 1) * 1e-6
        let points = means.map { (x: log($0.step), y: log(max($0.mean, floor, .leastNormalMagnitude)), w: $0.count) }
        let w = points.reduce(0) { $0 + $1.w }
        let mx = points.reduce(0) { $0 + $1.w * $1.x } / w, my = points.reduce(0) { $0 + $1.w * $1.y } / w
        let sxx = points.reduce(0) { $0 + $1.w * ($1.x - mx) * ($1.x - mx) }
        let sxy = points.reduce(0) { $0 + $1.w * ($1.x - mx) * ($1.y - my) }
        let b = sxx > 0 ? min(1, max(0, sxy / sxx)) : 0
        let a = my - b * mx
        return (1...horizon).map { exp(a + b * log(Double($0))) }
    }
}

/// Conformalized quantile regression (Romano, Patterson and Candès, 2019) for one central
/// interval of a quantile head: the head's levels `τ` and `1 − τ` give the interval at level
/// `1 − 2τ`, and the calibration origins' scores `max(q_τ − y, y − q_{1−τ})` say how much to
/// widen it (or, when negative, narrow it) to reach that coverage: `[q_τ − Q, q_{1−τ} + Q]` with
/// `Q` their conformal quantile. The head's own spread makes the interval adapt to each origin;
/// the correction makes its coverage hold as split conformal's does.
public struct QuantileInterval: Codable, Equatable, Sendable {
    /// The interval's level, `1 − 2τ`.
    public var level: Double
    /// The indices of `τ` and `1 − τ` in the configuration's ``ForecastConfig/quantileLevels``.
    public var lower: Int
    public var upper: Int
    /// The scores, ascending (thinned as ``IntervalCalibration/scores``).
    public var scores: [Double]
    public var scoreCount: Int

    public init(level: Double, lower: Int, upper: Int, scores: [Double], scoreCount: Int) {
        self.level = level
        self.lower = lower
        self.upper = upper
        self.scores = scores
        self.scoreCount = scoreCount
    }

    /// The correction `Q` for a horizon of `steps`.
    public func correction(steps: Int) -> Double {
        IntervalCalibration.conformalQuantile(scores, count: scoreCount, steps: steps, level: level)
    }

    /// The pairs of `levels` (ascending) that make central intervals.
    static func pairs(_ levels: [Double]) -> [(level: Double, lower: Int, upper: Int)] {
        levels.enumerated().compactMap { j, tau in
            guard tau < 0.5, let u = levels.firstIndex(where: { abs($0 - (1 - tau)) < 1e-9 }) else { return nil }
            // Rounded so that 1 − 2 · 0.1 reads as the 0.8 a user asks for.
            return (((1 - 2 * tau) * 1e9).rounded() / 1e9, j, u)
        }
    }
}

extension IntervalCalibration {
    private enum CodingKeys: String, CodingKey {
        case target, scaling, stepScales, scores, scoreCount, origins, spreadWindow, typicalSpread, quantileIntervals
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(target: try c.decode(String.self, forKey: .target), scaling: try c.decode(IntervalScaling.self, forKey: .scaling),
                  stepScales: try c.decode([Double].self, forKey: .stepScales), scores: try c.decode([Double].self, forKey: .scores),
                  scoreCount: try c.decode(Int.self, forKey: .scoreCount), origins: try c.decode(Int.self, forKey: .origins),
                  spreadWindow: try c.decode(Int.self, forKey: .spreadWindow), typicalSpread: try c.decode(Double.self, forKey: .typicalSpread))
        quantileIntervals = try c.decodeIfPresent([QuantileInterval].self, forKey: .quantileIntervals) ?? []
    }
}
