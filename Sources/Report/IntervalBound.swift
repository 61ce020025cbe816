import Foundation

/// A prediction interval around one forecast value: the value should lie in
/// `lower...upper` with probability `level` (a fraction, 0.8 for an 80 % interval).
public struct IntervalBound: Codable, Equatable, Sendable {
    public var level: Double
    public var lower: Double
    public var upper: Double

    public init(level: Double, lower: Double, upper: Double) {
        self.level = level
        self.lower = lower
        self.upper = upper
    }

    /// The level in percent as column names write it: `80`, `97.5`.
    public static func percentText(_ level: Double) -> String {
        let p = (level * 1000).rounded() / 10
        return p == p.rounded() ? String(Int(p)) : String(p)
    }

    /// The column names of a level, after Nixtla's libraries: `lo-80`, `hi-80`.
    public static func columnNames(_ level: Double) -> (lower: String, upper: String) {
        ("lo-" + percentText(level), "hi-" + percentText(level))
    }

    /// The interval columns for `levels`, a `lo-L`, `hi-L` pair per level in order:
    /// `["lo-80", "hi-80", "lo-95", "hi-95"]`.
    public static func columns(levels: [Double]) -> [String] {
        levels.flatMap { let n = columnNames($0); return [n.lower, n.upper] }
    }

    /// Parses levels written in percent, `"80,95"`, into ascending fractions; `"none"` or an
    /// empty text gives none. Each level must lie strictly between 0 and 100.
    public static func parseLevels(_ text: String) throws -> [Double] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
        var levels: [Double] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let field = part.trimmingCharacters(in: .whitespaces)
            guard let p = Double(field), p.isFinite, p > 0, p < 100 else {
                throw LevelError(message: "levels are percentages strictly between 0 and 100, like 80,95; found \"\(field)\"")
            }
            levels.append(p / 100)
        }
        return Array(Set(levels)).sorted()
    }
}

/// A `--levels` value that is not a list of percentages.
public struct LevelError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// How well intervals at one level did: coverage, width and the scores that weigh both.
///
/// For an interval `[l, u]` at level `L` (α = 1 − L) and actual `y`, the interval (Winkler)
/// score is `(u − l) + (2/α)(l − y)·[y < l] + (2/α)(y − u)·[y > u]`; MSIS, the M4
/// competition's measure, is its mean divided by the MASE scale (the in-sample seasonal-naive
/// MAE). The pinball loss is the mean of the two quantiles' (`α/2` and `1 − α/2`) losses.
public struct IntervalMetrics: Codable, Equatable, Sendable {
    public var level: Double
    /// The fraction of actuals inside their interval.
    public var coverage: Double?
    public var meanWidth: Double?
    /// The mean interval (Winkler) score.
    public var intervalScore: Double?
    /// The mean interval score over the MASE scale (records without a scale are left out).
    public var msis: Double?
    public var pinball: Double?
    public var count: Int

    private enum CodingKeys: String, CodingKey { case level, coverage, meanWidth, intervalScore, msis, pinball, count }

    public init(level: Double, coverage: Double?, meanWidth: Double?, intervalScore: Double?, msis: Double?, pinball: Double?, count: Int) {
        self.level = level
        self.coverage = coverage
        self.meanWidth = meanWidth
        self.intervalScore = intervalScore
        self.msis = msis
        self.pinball = pinball
        self.count = count
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        level = try c.decode(Double.self, forKey: .level)
        coverage = try c.decodeIfPresent(Double.self, forKey: .coverage)
        meanWidth = try c.decodeIfPresent(Double.self, forKey: .meanWidth)
        intervalScore = try c.decodeIfPresent(Double.self, forKey: .intervalScore)
        msis = try c.decodeIfPresent(Double.self, forKey: .msis)
        pinball = try c.decodeIfPresent(Double.self, forKey: .pinball)
        count = try c.decode(Int.self, forKey: .count)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(level, forKey: .level)
        try c.encodeFiniteOrNull(coverage, forKey: .coverage)
        try c.encodeFiniteOrNull(meanWidth, forKey: .meanWidth)
        try c.encodeFiniteOrNull(intervalScore, forKey: .intervalScore)
        try c.encodeFiniteOrNull(msis, forKey: .msis)
        try c.encodeFiniteOrNull(pinball, forKey: .pinball)
        try c.encode(count, forKey: .count)
    }
}

extension IntervalMetrics {
    /// The coverage check reports use: whether the empirical coverage is far from the nominal
    /// level, that is more than 10 percentage points below it (intervals too narrow) or more
    /// than 10 above it (too wide), with at least 20 points scored.
    ///
    /// Fewer points are not judged because coverage is then mostly chance: with 20 points and an
    /// 80 % level, the binomial standard error of the coverage is already 9 points.
    public var coverageIsFarFromNominal: Bool {
        guard let coverage, count >= Self.minimumPointsForCoverageCheck else { return false }
        // The small allowance keeps a miss of exactly 10 points (0.8 − 0.7 is 0.10000000000000009
        // in binary) on the tolerated side.
        return abs(coverage - level) > Self.coverageTolerance + 1e-9
    }

    /// How far, as a fraction, coverage may stray from the level before
    /// ``coverageIsFarFromNominal`` holds.
    public static let coverageTolerance = 0.10

    /// The fewest scored points for which ``coverageIsFarFromNominal`` can hold.
    public static let minimumPointsForCoverageCheck = 20
}

/// Running sums for the ``IntervalMetrics`` of one level.
struct IntervalAccumulator {
    let level: Double
    private var n = 0
    private var covered = 0
    private var width = 0.0
    private var score = 0.0
    private var scaled = 0.0
    private var nScaled = 0
    private var pinball = 0.0

    init(level: Double) { self.level = level }

    mutating func add(actual y: Double, bound b: IntervalBound, scale: Double?) {
        guard y.isFinite, b.lower.isFinite, b.upper.isFinite else { return }
        let alpha = 1 - b.level
        let below = max(0, b.lower - y), above = max(0, y - b.upper)
        let s = (b.upper - b.lower) + 2 / alpha * (below + above)
        n += 1
        if below == 0 && above == 0 { covered += 1 }
        width += b.upper - b.lower
        score += s
        if let scale, scale > 0, scale.isFinite {
            scaled += s / scale
            nScaled += 1
        }
        // Pinball losses of the α/2 quantile (the lower bound) and the 1 − α/2 quantile (the upper).
        let qLow = alpha / 2, qHigh = 1 - alpha / 2
        let lowLoss = y >= b.lower ? qLow * (y - b.lower) : (1 - qLow) * (b.lower - y)
        let highLoss = y >= b.upper ? qHigh * (y - b.upper) : (1 - qHigh) * (b.upper - y)
        pinball += (lowLoss + highLoss) / 2
    }

    var result: IntervalMetrics {
        guard n > 0 else {
            return IntervalMetrics(level: level, coverage: nil, meanWidth: nil, intervalScore: nil, msis: nil, pinball: nil, count: 0)
        }
        let c = Double(n)
        return IntervalMetrics(level: level, coverage: Double(covered) / c, meanWidth: width / c, intervalScore: score / c,
                               msis: nScaled > 0 ? scaled / Double(nScaled) : nil, pinball: pinball / c, count: n)
    }
}
