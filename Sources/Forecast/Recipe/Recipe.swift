import Foundation
import Statistical

/// A model whose forecasts the recipe combines.
public enum Member: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    /// Exponential smoothing, the form chosen by AICc among `ETSSpec.candidates`.
    case ets
    /// The Theta method on the seasonally adjusted series.
    case theta
    /// An autoregression on the differenced series, seasonally differenced or adjusted (`AutoRegression`).
    case ar
    /// The recurrent network of the configuration.
    case network

    /// The default recipe.
    public static let recipe: [Member] = [.ets, .theta, .ar, .network]
}

/// How the members' forecasts become one, per step and target.
public enum Combination: String, Codable, Sendable, CaseIterable {
    /// The median (with two members, their mean): robust to one member that goes astray.
    case median
    /// The mean.
    case mean
    /// The mean of the two members that forecast the validation rows best (see
    /// ``weights(errors:)``); the median when the validation rows hold fewer than two forecast
    /// origins (a short series), too little to choose by.
    case validated

    /// How many members `validated` keeps.
    static let kept = 2

    /// Weights from validation errors: equal weights on the `kept` members with the smallest
    /// error (ties broken by member order), none on the others. Selecting a few and averaging
    /// them is steadier than trusting one short validation period to pick a single winner,
    /// and than weighting every member by its error.
    public static func weights(errors: [Member: Double]) -> [Member: Double] {
        let ranked = errors.filter { !$0.value.isNaN }.sorted {
            $0.value != $1.value ? $0.value < $1.value : Member.allCases.firstIndex(of: $0.key)! < Member.allCases.firstIndex(of: $1.key)!
        }
        let chosen = ranked.prefix(kept)
        return Dictionary(uniqueKeysWithValues: chosen.map { ($0.key, 1 / Double(chosen.count)) })
    }

    func combine(_ members: [Member: Double], weights: [Member: Double]?) -> Double {
        if self == .validated, let weights, !weights.isEmpty {
            var sum = 0.0, total = 0.0
            for (member, value) in members {
                let w = weights[member] ?? 0
                sum += w * value
                total += w
            }
            if total > 0 { return sum / total }
        }
        let values = members.sorted { $0.key.rawValue < $1.key.rawValue }.map(\.value)
        return (self == .mean ? Combination.mean : Combination.median).combine(values)
    }

    func combine(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        switch self {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .median, .validated:
            let s = values.sorted()
            let n = s.count
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        }
    }
}

/// What the network reads and forecasts in place of each target column.
public enum TargetTransform: String, Codable, Sendable, CaseIterable {
    /// The values as they are.
    case none
    /// Seasonally adjusted (classical decomposition, when the 90 % autocorrelation test finds a
    /// season) and, for a positive series, logged: the network then learns the changes of the
    /// log level, a scale-free task much like ES-RNN's level- and season-normalized windows.
    case adjusted
}

/// The fitted statistical parts of one target: its classical members and the adjustment that
/// the network's inputs and outputs go through. Stored as JSON in the model file's metadata.
public struct TargetModels: Codable, Equatable, Sendable {
    public var target: String
    /// The row of the table the models were fitted from: forecasts run the recursions from it.
    public var firstRow: Int
    public var season: Int
    public var ets: ETSModel?
    public var theta: ThetaModel?
    public var ar: AutoRegression?
    public var adjustment: TargetAdjustment?
    /// The members' weights from validation, with `Combination.validated`.
    public var weights: [Member: Double]?
}

/// The transform `.adjusted`: seasonal indices (by row phase) and whether to take logs.
public struct TargetAdjustment: Codable, Equatable, Sendable {
    public var decomposition: SeasonalDecomposition?
    public var log: Bool
    /// The row whose seasonal phase is 0.
    public var firstRow: Int

    /// Fits on `y`, the rows from `firstRow` on.
    init(_ y: [Double], season: Int, firstRow: Int) {
        let positive = y.allSatisfy { $0 > 0 }
        decomposition = ThetaModel.decompositionIfSeasonal(y, period: season)
        log = positive
        self.firstRow = firstRow
    }

    /// The adjusted value of `value` at table row `row`.
    func apply(_ value: Double, row: Int) -> Double {
        var v = value
        if let d = decomposition { v = d.form == .multiplicative ? v / d.index(at: row - firstRow) : v - d.index(at: row - firstRow) }
        return log ? Foundation.log(v) : v
    }

    /// The original-unit value of an adjusted `value` at table row `row`.
    func invert(_ value: Double, row: Int) -> Double {
        var v = log ? exp(value) : value
        if let d = decomposition { v = d.form == .multiplicative ? v * d.index(at: row - firstRow) : v + d.index(at: row - firstRow) }
        return v
    }
}

extension TargetModels {
    /// Fits the classical members and the network's adjustment on `rows` of `series`.
    static func fit(target: String, series: [Double], rows: Range<Int>, season: Int, config: ForecastConfig) throws -> TargetModels {
        let y = Array(series[rows])
        if let bad = y.firstIndex(where: { !$0.isFinite }) {
            throw ForecastError.notEnoughData("\(target) has a missing value at row \(bad); choose a missing-value policy (--missing drop, ffill or interpolate)")
        }
        var m = TargetModels(target: target, firstRow: rows.lowerBound, season: season)
        if config.members.contains(.ets) { m.ets = ETSModel.select(y, period: season) }
        if config.members.contains(.theta) { m.theta = ThetaModel.fit(y, period: season) }
        if config.members.contains(.ar) { m.ar = AutoRegression.fit(y, period: season) }
        if config.hasNetwork && config.transform == .adjusted { m.adjustment = TargetAdjustment(y, season: season, firstRow: rows.lowerBound) }
        return m
    }

    init(target: String, firstRow: Int, season: Int) {
        self.target = target
        self.firstRow = firstRow
        self.season = season
    }

    /// The classical members' forecasts of the `horizon` rows after row `end` (exclusive),
    /// running their recursions over the rows from `firstRow` (or 0, when the table is shorter).
    func classicalForecasts(series: [Double], before end: Int, horizon: Int) throws -> [Member: [Double]] {
        let start = firstRow < end ? firstRow : 0
        let y = Array(series[start..<end])
        if ets != nil || theta != nil || ar != nil, let bad = y.firstIndex(where: { !$0.isFinite }) {
            throw ForecastError.notEnoughData("\(target) has a missing value at row \(start + bad); choose a missing-value policy (--missing drop, ffill or interpolate)")
        }
        if let ar, ar.logged, let bad = y.firstIndex(where: { $0 <= 0 }) {
            throw ForecastError.notEnoughData("\(target) at row \(start + bad) is not positive although the model takes its logarithm (it was fitted on positive values; leave out the ar member with --members for such data)")
        }
        var out: [Member: [Double]] = [:]
        if let ets { out[.ets] = ets.forecast(y, horizon: horizon) }
        if let theta { out[.theta] = theta.forecast(y, horizon: horizon) }
        if let ar { out[.ar] = ar.forecast(y, horizon: horizon) }
        return out
    }
}
