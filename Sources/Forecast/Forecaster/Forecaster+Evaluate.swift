/// What `evaluate` produced: forecasts from every origin in the evaluated rows, with the
/// baselines, and their metrics.
public struct EvaluationResult: Sendable {
    public let records: [ForecastRecord]
    public let report: EvaluationReport
    public let season: Int
    public let origins: [Int]
}

extension Forecaster {
    /// Scores the trained model on `rows` without retraining: forecasts from origins
    /// `rows.lowerBound`, `+ stride`, ... (stride defaults to the horizon) as long as a whole
    /// horizon fits, each from the `timesteps` rows before it. MASE is scaled by the rows
    /// before `rows`.
    public func evaluate(_ table: Table, rows: Range<Int>, stride: Int? = nil, season: Int? = nil,
                         levels: [Double] = Forecaster.defaultLevels) throws -> EvaluationResult {
        let c = config
        let stride = stride ?? c.horizon
        guard stride >= 1 else { throw ForecastError.invalidConfig("stride must be at least 1, got \(stride)") }
        guard rows.lowerBound >= c.timesteps, rows.upperBound <= table.rowCount else {
            throw ForecastError.notEnoughData("evaluating rows \(rows.lowerBound)..<\(rows.upperBound) needs \(c.timesteps) rows before them inside the table's \(table.rowCount)")
        }
        let origins = Array(Swift.stride(from: rows.lowerBound, through: rows.upperBound - c.horizon, by: stride))
        guard !origins.isEmpty else {
            throw ForecastError.notEnoughData("rows \(rows.lowerBound)..<\(rows.upperBound) hold no whole horizon of \(c.horizon)")
        }
        let history = Array(try table.column(named: c.targets[0])[..<rows.lowerBound])
        let season = season ?? Self.inferSeason(table: table, series: history)
        let baselines = try classicalBaselines(table, rows: 0..<rows.lowerBound, season: season)
        var records: [ForecastRecord] = []
        // In chunks: one batch of network windows per chunk, and memory bounded by the chunk.
        for start in Swift.stride(from: 0, to: origins.count, by: 256) {
            records += try forecastRecords(table, origins: Array(origins[start..<min(origins.count, start + 256)]), fold: 0,
                                           season: season, baselines: baselines, levels: levels)
        }
        let training = try trainingContexts(table, season: season, foldRanges: [0: 0..<rows.lowerBound])
        return EvaluationResult(records: records, report: EvaluationReport(records: records, training: training),
                                season: season, origins: origins)
    }

    /// A stride for scoring `rows` rows: the horizon (forecasts side by side), widened so that
    /// at most `maxOrigins` origins are scored. Each origin's classical forecasts run their
    /// recursions over the whole series, so scoring every horizon of a long file would cost
    /// time quadratic in its length; a thousand origins already pin the error down.
    public static func evaluationStride(rows: Int, horizon: Int, maxOrigins: Int = 1000) -> Int {
        max(horizon, (rows + maxOrigins - 1) / max(1, maxOrigins))
    }

    /// The model's forecast from `origin` (the first forecast row), one record per step and
    /// target, with the actual value, the intervals at `levels`, and the naive, seasonal-naive
    /// and classical (ETS) forecasts beside it. `baselines` are the classical models per target (see
    /// ``classicalBaselines(_:rows:season:)``); nil leaves that baseline out.
    func forecastRecords(_ table: Table, origin: Int, fold: Int, season: Int,
                         baselines: [TargetModels?]? = nil, levels: [Double] = []) throws -> [ForecastRecord] {
        try forecastRecords(table, origins: [origin], fold: fold, season: season, baselines: baselines, levels: levels)
    }

    /// ``forecastRecords(_:origin:fold:season:baselines:levels:)`` for several origins, their
    /// forecasts made in one batch; records in origin order.
    func forecastRecords(_ table: Table, origins: [Int], fold: Int, season: Int,
                         baselines: [TargetModels?]? = nil, levels: [Double] = []) throws -> [ForecastRecord] {
        let c = config
        let forecasts = try self.forecasts(table, before: origins, levels: levels)
        let columns = try c.targets.map { try table.column(named: $0) }
        var records: [ForecastRecord] = []
        for (origin, (values, bounds)) in zip(origins, forecasts) {
            for (k, name) in c.targets.enumerated() {
                let series = columns[k]
                // Report's baselines take the last observed row; `origin` is the first forecast row.
                let naive = naiveForecast(series: series, origin: origin - 1, horizon: c.horizon)
                let seasonal = seasonalNaiveForecast(series: series, origin: origin - 1, horizon: c.horizon, season: season)
                // A baseline whose history holds a missing value is left out, not an error.
                let classical = (try? baselines?[k]?.classicalForecasts(series: series, before: origin, horizon: c.horizon))??[.ets]
                for h in 0..<c.horizon {
                    let row = origin + h
                    records.append(ForecastRecord(timestamp: table.timeString(at: row), target: name, step: h + 1,
                                                  actual: series[row], predicted: values[h][k], fold: fold,
                                                  naive: naive[h], seasonalNaive: seasonal[h], classical: classical?[h],
                                                  bounds: bounds[h][k]))
                }
            }
        }
        return records
    }

    /// Per target, the classical baseline every report shows: the model's own ETS member when it
    /// has one, otherwise exponential smoothing chosen by AICc on `rows`. Nil for a target
    /// whose rows hold a missing value or are fewer than four.
    func classicalBaselines(_ table: Table, rows: Range<Int>, season: Int) throws -> [TargetModels?] {
        try config.targets.map { name in
            var baseline = TargetModels(target: name, firstRow: rows.lowerBound, season: season)
            if let part = model?.statistical.first(where: { $0.target == name }), let ets = part.ets {
                baseline.firstRow = part.firstRow
                baseline.ets = ets
                return baseline
            }
            let y = Array(try table.column(named: name)[rows])
            guard y.count >= 4, y.allSatisfy(\.isFinite) else { return nil }
            baseline.ets = ETSModel.select(y, period: season)
            return baseline
        }
    }

    /// Per target: the whole series, the season, and which rows each fold trained on (MASE's scale).
    func trainingContexts(_ table: Table, season: Int, foldRanges: [Int: Range<Int>]) throws -> [String: TrainingContext] {
        var contexts: [String: TrainingContext] = [:]
        for name in config.targets {
            contexts[name] = TrainingContext(series: try table.column(named: name), season: season, foldTrainingRanges: foldRanges)
        }
        return contexts
    }
}

