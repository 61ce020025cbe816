import Foundation
import Statistical

/// A model whose forecasts the recipe combines.
public enum Member: String, Codable, Sendable, CaseIterable {
    /// Exponential smoothing, the form chosen by AICc among `ETSSpec.candidates`.
    case ets
    /// The Theta method on the seasonally adjusted series.
    case theta
    /// The recurrent network of the configuration.
    case network

    /// The default recipe.
    public static let recipe: [Member] = [.ets, .theta, .network]
}

/// How the members' forecasts become one, per step and target.
public enum Combination: String, Codable, Sendable, CaseIterable {
    /// The median (with two members, their mean): robust to one member that goes astray.
    case median
    /// The mean.
    case mean

    func combine(_ values: [Double]) -> Double {
        precondition(!values.isEmpty)
        switch self {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .median:
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
    public var adjustment: TargetAdjustment?
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
        return log ? Foundation.log(max(v, .leastNormalMagnitude)) : v
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
        if ets != nil || theta != nil, let bad = y.firstIndex(where: { !$0.isFinite }) {
            throw ForecastError.notEnoughData("\(target) has a missing value at row \(start + bad); choose a missing-value policy (--missing drop, ffill or interpolate)")
        }
        var out: [Member: [Double]] = [:]
        if let ets { out[.ets] = ets.forecast(y, horizon: horizon) }
        if let theta { out[.theta] = theta.forecast(y, horizon: horizon) }
        return out
    }
}
