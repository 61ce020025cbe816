/// One forecast value beside the value that happened, as written to `predictions.csv`.
///
/// The naive and seasonal-naive baseline forecasts for the same time, when the caller has them
/// (see ``naiveForecast(series:origin:horizon:)`` and
/// ``seasonalNaiveForecast(series:origin:horizon:season:)``), and a classical statistical
/// model's forecast (the toolkit uses exponential smoothing chosen by AICc) travel with the
/// record so that the baselines are scored on exactly the same points as the model.
public struct ForecastRecord: Codable, Equatable, Sendable {
    /// The time forecast, preformatted (ISO 8601 or an index).
    public var timestamp: String
    /// The target column.
    public var target: String
    /// The horizon step, from 1: step `h` is `h` observations after the forecast origin.
    public var step: Int
    /// The observed value; NaN when missing or not yet observed.
    public var actual: Double
    /// The model's forecast.
    public var predicted: Double
    /// The backtest fold (0 outside backtests).
    public var fold: Int
    /// The naive baseline's forecast, if known.
    public var naive: Double?
    /// The seasonal naive baseline's forecast, if known.
    public var seasonalNaive: Double?
    /// A classical statistical model's forecast, if known.
    public var classical: Double?
    /// The forecast's prediction intervals, by ascending level (none when the model has no calibration).
    public var bounds: [IntervalBound]

    public init(
        timestamp: String, target: String, step: Int, actual: Double, predicted: Double,
        fold: Int = 0, naive: Double? = nil, seasonalNaive: Double? = nil, classical: Double? = nil,
        bounds: [IntervalBound] = []
    ) {
        self.timestamp = timestamp
        self.target = target
        self.step = step
        self.actual = actual
        self.predicted = predicted
        self.fold = fold
        self.naive = naive
        self.seasonalNaive = seasonalNaive
        self.classical = classical
        self.bounds = bounds
    }
}

/// What MASE is scaled by for one target: its training series and season.
public struct TrainingContext: Codable, Equatable, Sendable {
    /// The target's training values, in time order (NaN for missing).
    public var series: [Double]
    /// The seasonal period for the seasonal naive baseline and MASE (1: naive).
    public var season: Int
    /// The part of ``series`` each backtest fold trained on, by fold number. A fold that is not
    /// listed is scaled by the whole series.
    public var foldTrainingRanges: [Int: Range<Int>]

    public init(series: [Double], season: Int, foldTrainingRanges: [Int: Range<Int>] = [:]) {
        self.series = series
        self.season = season
        self.foldTrainingRanges = foldTrainingRanges
    }
}

/// Skill scores `1 - MAE(model) / MAE(baseline)`: 1 is perfect, 0 no better than the baseline,
/// negative worse. Each is computed on the points where the model, the baseline and the actual
/// are all known, and is `nil` when there are none or the baseline's MAE there is 0.
public struct SkillScores: Codable, Equatable, Sendable {
    public var vsNaive: Double?
    public var vsSeasonalNaive: Double?
    public var vsClassical: Double?

    public init(vsNaive: Double?, vsSeasonalNaive: Double?, vsClassical: Double? = nil) {
        self.vsNaive = vsNaive
        self.vsSeasonalNaive = vsSeasonalNaive
        self.vsClassical = vsClassical
    }

    private enum CodingKeys: String, CodingKey { case vsNaive, vsSeasonalNaive, vsClassical }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vsNaive = try c.decodeIfPresent(Double.self, forKey: .vsNaive)
        vsSeasonalNaive = try c.decodeIfPresent(Double.self, forKey: .vsSeasonalNaive)
        vsClassical = try c.decodeIfPresent(Double.self, forKey: .vsClassical)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeFiniteOrNull(vsNaive, forKey: .vsNaive)
        try c.encodeFiniteOrNull(vsSeasonalNaive, forKey: .vsSeasonalNaive)
        try c.encodeFiniteOrNull(vsClassical, forKey: .vsClassical)
    }
}

/// The model's metrics beside the baselines' on the same records.
public struct MetricComparison: Codable, Equatable, Sendable {
    public var model: MetricSet
    /// Metrics of the naive forecasts (records without one are left out; `count` says how many).
    public var naive: MetricSet
    /// Metrics of the seasonal naive forecasts (records without one are left out).
    public var seasonalNaive: MetricSet
    /// Metrics of the classical model's forecasts (records without one are left out; a count
    /// of 0 when no record had one).
    public var classical: MetricSet
    public var skill: SkillScores
    /// The model's prediction intervals, one entry per level (empty when the records have none).
    public var intervals: [IntervalMetrics]

    public init(model: MetricSet, naive: MetricSet, seasonalNaive: MetricSet, classical: MetricSet? = nil, skill: SkillScores,
                intervals: [IntervalMetrics] = []) {
        self.model = model
        self.naive = naive
        self.seasonalNaive = seasonalNaive
        self.classical = classical ?? MetricAccumulator().result
        self.skill = skill
        self.intervals = intervals
    }

    private enum CodingKeys: String, CodingKey { case model, naive, seasonalNaive, classical, skill, intervals }

    /// Reads metrics written before the classical baseline existed as having none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decode(MetricSet.self, forKey: .model), naive: try c.decode(MetricSet.self, forKey: .naive),
                  seasonalNaive: try c.decode(MetricSet.self, forKey: .seasonalNaive),
                  classical: try c.decodeIfPresent(MetricSet.self, forKey: .classical),
                  skill: try c.decode(SkillScores.self, forKey: .skill),
                  intervals: try c.decodeIfPresent([IntervalMetrics].self, forKey: .intervals) ?? [])
    }
}

/// Metrics of the records at one horizon step.
public struct StepMetrics: Codable, Equatable, Sendable {
    public var step: Int
    public var metrics: MetricComparison

    public init(step: Int, metrics: MetricComparison) {
        self.step = step
        self.metrics = metrics
    }
}

/// Metrics of the records of one backtest fold.
public struct FoldMetrics: Codable, Equatable, Sendable {
    public var fold: Int
    /// The time of the fold's first and last forecast: the timestamps of its first record with
    /// the smallest step and its first record with the largest step.
    public var firstTimestamp: String
    public var lastTimestamp: String
    public var metrics: MetricComparison

    public init(fold: Int, firstTimestamp: String, lastTimestamp: String, metrics: MetricComparison) {
        self.fold = fold
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.metrics = metrics
    }
}

/// Metrics of a set of forecasts and of the naive baselines, overall, per target, per horizon
/// step and per fold; the content of `metrics.json`.
///
/// Metrics pool every record in the group, so with several targets the scale-dependent measures
/// (MAE, RMSE, bias) mix units; MASE, which scales each record by its own target's (and fold's)
/// training series, does not.
public struct EvaluationReport: Codable, Equatable, Sendable {
    public var overall: MetricComparison
    /// By target name.
    public var perTarget: [String: MetricComparison]
    /// By step, ascending.
    public var perStep: [StepMetrics]
    /// By fold, ascending.
    public var perFold: [FoldMetrics]
    /// The season used for MASE, by target.
    public var seasons: [String: Int]

    public init(
        overall: MetricComparison, perTarget: [String: MetricComparison], perStep: [StepMetrics],
        perFold: [FoldMetrics], seasons: [String: Int]
    ) {
        self.overall = overall
        self.perTarget = perTarget
        self.perStep = perStep
        self.perFold = perFold
        self.seasons = seasons
    }

    /// Scores `records` and their baseline forecasts. Each record's MASE scale comes from its
    /// target's entry in `training` (the fold's training range when listed); records of a target
    /// without an entry have no MASE.
    public init(records: [ForecastRecord], training: [String: TrainingContext]) {
        var scaleCache: [ScaleKey: Double?] = [:]
        var scales: [Double?] = []
        scales.reserveCapacity(records.count)
        for record in records {
            let key = ScaleKey(target: record.target, fold: record.fold)
            if let cached = scaleCache[key] {
                scales.append(cached)
                continue
            }
            var scale: Double? = nil
            if let context = training[record.target] {
                let range = context.foldTrainingRanges[record.fold].map {
                    $0.clamped(to: context.series.indices)
                } ?? context.series.indices
                scale = seasonalNaiveScale(trainingSeries: Array(context.series[range]), season: context.season)
            }
            scaleCache[key] = scale
            scales.append(scale)
        }

        func compare(_ indices: some Sequence<Int>) -> MetricComparison {
            var model = MetricAccumulator(), naive = MetricAccumulator(), seasonal = MetricAccumulator()
            var classical = MetricAccumulator()
            var pairedNaive = SkillAccumulator(), pairedSeasonal = SkillAccumulator(), pairedClassical = SkillAccumulator()
            var intervals: [Double: IntervalAccumulator] = [:]
            for i in indices {
                let r = records[i]
                model.add(actual: r.actual, predicted: r.predicted, scale: scales[i])
                for b in r.bounds { intervals[b.level, default: IntervalAccumulator(level: b.level)].add(actual: r.actual, bound: b, scale: scales[i]) }
                if let b = r.naive {
                    naive.add(actual: r.actual, predicted: b, scale: scales[i])
                    pairedNaive.add(actual: r.actual, model: r.predicted, baseline: b)
                }
                if let b = r.seasonalNaive {
                    seasonal.add(actual: r.actual, predicted: b, scale: scales[i])
                    pairedSeasonal.add(actual: r.actual, model: r.predicted, baseline: b)
                }
                if let b = r.classical {
                    classical.add(actual: r.actual, predicted: b, scale: scales[i])
                    pairedClassical.add(actual: r.actual, model: r.predicted, baseline: b)
                }
            }
            return MetricComparison(
                model: model.result, naive: naive.result, seasonalNaive: seasonal.result, classical: classical.result,
                skill: SkillScores(vsNaive: pairedNaive.skill, vsSeasonalNaive: pairedSeasonal.skill,
                                   vsClassical: pairedClassical.skill),
                intervals: intervals.keys.sorted().map { intervals[$0]!.result })
        }

        var byTarget: [String: [Int]] = [:]
        var byStep: [Int: [Int]] = [:]
        var byFold: [Int: [Int]] = [:]
        for (i, r) in records.enumerated() {
            byTarget[r.target, default: []].append(i)
            byStep[r.step, default: []].append(i)
            byFold[r.fold, default: []].append(i)
        }
        overall = compare(records.indices)
        perTarget = byTarget.mapValues { compare($0) }
        perStep = byStep.keys.sorted().map { StepMetrics(step: $0, metrics: compare(byStep[$0]!)) }
        perFold = byFold.keys.sorted().map { fold in
            let indices = byFold[fold]!
            let first = indices.min { records[$0].step < records[$1].step }!
            let last = indices.min { records[$0].step > records[$1].step }!
            return FoldMetrics(
                fold: fold, firstTimestamp: records[first].timestamp,
                lastTimestamp: records[last].timestamp, metrics: compare(indices))
        }
        seasons = training.mapValues(\.season)
    }
}

private struct ScaleKey: Hashable {
    var target: String
    var fold: Int
}

private struct SkillAccumulator {
    var modelError = 0.0
    var baselineError = 0.0
    var count = 0

    mutating func add(actual: Double, model: Double, baseline: Double) {
        guard actual.isFinite, model.isFinite, baseline.isFinite else { return }
        modelError += abs(model - actual)
        baselineError += abs(baseline - actual)
        count += 1
    }

    var skill: Double? {
        guard count > 0, baselineError > 0 else { return nil }
        return 1 - modelError / baselineError
    }
}
