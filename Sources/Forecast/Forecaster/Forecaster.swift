import Foundation
/// Fits a recurrent network to the columns of a table and forecasts the next `horizon` steps,
/// in original units, with their time stamps.
///
///     import Forecast
///
///     var config = ForecastConfig(targets: ["passengers_thousands"])
///     config.timesteps = 12
///     config.epochs = 200
///     let table = try Forecaster.readTable(path: "datasets/airpassengers_monthly.csv", config: config)
///     let forecaster = try Forecaster(config: config)
///     try forecaster.fit(table)
///     for point in try forecaster.predict(table) { print(point.timestamp, point.target, point.value) }
///
/// Scaling is fitted on the training rows only; the latest `validationFraction` of the rows
/// given to `fit` validate each epoch and drive early stopping, and their windows read inputs
/// from before the boundary but never train on a target behind it.
public final class Forecaster {
    public let config: ForecastConfig
    /// The trained model; nil until `fit` (or loaded through `init(model:)`).
    public private(set) var model: ForecastModel?
    /// The history of the last `fit`.
    public private(set) var history = TrainingHistory()
    /// The epoch limit of the last `fit` (see `ForecastConfig.trainingSteps`).
    public private(set) var plannedEpochs = 0
    /// Where the last `fit` stopped when it was interrupted (see `fit(…, stopRequested:)`).
    public private(set) var interruptedState: TrainingState?
    /// The ranks of a distributed run (see `Collective`); nil works in this process only. With
    /// one, every rank calls `fit` and `backtest` with the same table and configuration: `fit`
    /// trains data-parallel, `backtest` spreads independent folds over the ranks, and every
    /// rank returns the same result; errors are thrown on all ranks together.
    public var collective: Collective?

    public init(config: ForecastConfig) throws {
        try config.validate()
        self.config = config
    }

    /// A forecaster around a trained (e.g. loaded) model.
    public init(model: ForecastModel) {
        config = model.config
        self.model = model
    }

    /// Reads a CSV with the configuration's time column, columns and missing-value policy; the
    /// date format the model was trained with (``ForecastConfig/dateFormat``) decides when the
    /// file's dates alone leave the reading open, unless `options` say otherwise.
    public static func readTable(path: String, config: ForecastConfig, options: CSVOptions = CSVOptions()) throws -> Table {
        var options = options
        if let time = config.timeColumn { options.time = .name(time) }
        if options.dateFormatHint == nil, case .auto = options.dateFormat, let trained = config.dateFormat {
            options.dateFormatHint = try? CSVOptions.DateFormat(trained)
        }
        options.columns = config.fileColumns.map { .name($0) }
        options.missing = MissingPolicy(rawValue: config.missing) ?? .error
        let table = try CSVReader.read(path: path, options: options)
        return config.calendarFeatures.isEmpty ? table : try table.addingCalendarFeatures(config.calendarFeatures)
    }

    /// A window length for data at this sampling rate: two seasons of history (96 half-hours,
    /// 24 months, 104 weeks), at least 24 steps and at most 512. An integer index, or a rate
    /// with no natural season, gives 24.
    public static func suggestedTimesteps(for table: Table) -> Int {
        let season = table.time.isCalendar ? SamplingFrequency(timestamps: table.time.values)?.seasonalPeriod ?? 1 : 1
        return min(512, max(24, 2 * season))
    }

    /// One forecast value, with its prediction intervals when the model has a calibration.
    ///
    /// In JSON: `step`, `target`, `timestamp`, `value`, and per level `lo-80`, `hi-80`, ….
    public struct Point: Codable, Equatable, Sendable {
        public let timestamp: String
        public let target: String
        /// 1-based horizon step.
        public let step: Int
        public let value: Double
        /// Intervals by ascending level; empty when the model has no calibration for the target.
        public let bounds: [IntervalBound]

        public init(timestamp: String, target: String, step: Int, value: Double, bounds: [IntervalBound] = []) {
            self.timestamp = timestamp
            self.target = target
            self.step = step
            self.value = value
            self.bounds = bounds
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(timestamp, forKey: Key("timestamp"))
            try c.encode(target, forKey: Key("target"))
            try c.encode(step, forKey: Key("step"))
            try c.encode(value, forKey: Key("value"))
            for b in bounds {
                let names = IntervalBound.columnNames(b.level)
                try c.encode(b.lower, forKey: Key(names.lower))
                try c.encode(b.upper, forKey: Key(names.upper))
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            timestamp = try c.decode(String.self, forKey: Key("timestamp"))
            target = try c.decode(String.self, forKey: Key("target"))
            step = try c.decode(Int.self, forKey: Key("step"))
            value = try c.decode(Double.self, forKey: Key("value"))
            var levels: [Double] = []
            for key in c.allKeys where key.stringValue.hasPrefix("lo-") {
                if let p = Double(key.stringValue.dropFirst(3)) { levels.append(p / 100) }
            }
            bounds = try levels.sorted().map { level in
                let names = IntervalBound.columnNames(level)
                return IntervalBound(level: level, lower: try c.decode(Double.self, forKey: Key(names.lower)),
                                     upper: try c.decode(Double.self, forKey: Key(names.upper)))
            }
        }
    }

    /// The interval levels `predict` and `backtest` give unless told otherwise: 80 % and 95 %.
    public static let defaultLevels = [0.8, 0.95]

    // MARK: Fit

    /// Trains on `rows` of the table (all rows by default). With `warmStart` and a model
    /// already trained, training continues from its weights instead of a fresh initialization.
    /// When `stopRequested` returns true (checked after every batch), training stops, the state
    /// to continue from is in `interruptedState`, and `RecurrentError.interrupted` is thrown;
    /// `resumingFrom` that state on the same table and config finishes the run as if it had
    /// never stopped.
    @discardableResult
    public func fit(_ table: Table, rows: Range<Int>? = nil, warmStart: Bool = false,
                    resumingFrom state: TrainingState? = nil, progress: ((EpochRecord) -> Void)? = nil,
                    stopRequested: (@Sendable () -> Bool)? = nil) throws -> TrainingHistory {
        interruptedState = nil
        let rows = rows ?? 0..<table.rowCount
        let c = config
        var statistical = try collective.together { try fitStatistical(table, rows: rows) }
        let original = table
        let table = try networkTable(table, statistical: statistical)
        let (scaler, train, validation, trainEnd, validationRows) = try collective.together { () throws -> (Scaler, SampleSet<Float>, SampleSet<Float>?, Int, Int) in
            let span = c.hasNetwork ? c.timesteps + c.horizon : 2
            guard rows.count >= span else {
                throw ForecastError.notEnoughData("\(rows.count) rows cannot make one window of \(c.timesteps) timesteps + \(c.horizon) horizon")
            }
            // At least a whole horizon validates, so that the members can be scored on it.
            var validationRows = c.validationFraction > 0 ? max(c.horizon, Int((Double(rows.count) * c.validationFraction).rounded())) : 0
            if rows.count - validationRows < span { validationRows = 0 }
            let trainEnd = rows.upperBound - validationRows

            let scaler = try Scaler.fit(ScalerKind(rawValue: c.scaler) ?? .standard, table: table, columns: c.columns,
                                        rows: rows.lowerBound..<trainEnd)
            guard c.hasNetwork else {
                let empty = try SampleSet<Float>(inputs: [], targets: [], count: 0, timesteps: c.timesteps, inputSize: c.inputs.count,
                                                 outputSize: c.horizon * c.targets.count)
                return (scaler, empty, nil, rows.upperBound, 0)
            }
            let (inputs, targets) = try scaledColumns(table, scaler: scaler)
            let trainWindows = residualTargets(try Windowing.windows(inputs: inputs, targets: targets, timesteps: c.timesteps,
                                                                     horizon: c.horizon, stride: c.stride, rows: rows.lowerBound..<trainEnd),
                                               targets: targets)
            let validationWindows = validationRows > 0
                ? residualTargets(try Windowing.windows(inputs: inputs, targets: targets, timesteps: c.timesteps, horizon: c.horizon,
                                                        stride: 1, rows: trainEnd - c.timesteps..<rows.upperBound),
                                  targets: targets)
                : nil
            return (scaler, try sampleSet(trainWindows), try validationWindows.map(sampleSet), trainEnd, validationRows)
        }

        var network: RecurrentNetwork<Float>? = nil
        history = TrainingHistory()
        if c.hasNetwork {
            let net = try RecurrentNetwork<Float>(shape: c.networkShape, seed: c.seed)
            if warmStart, let previous = model?.network {
                net.parameters.allValues = previous.parameters.allValues
            }
            var options = c.trainingOptions
            let batches = (train.count + c.batchSize - 1) / c.batchSize
            (options.epochs, options.patience) = c.trainingLength(batchesPerEpoch: batches)
            plannedEpochs = options.epochs
            let trainer = Trainer(network: net, options: options)
            trainer.stopRequested = stopRequested
            trainer.collective = collective
            do {
                history = try trainer.fit(train: train, validation: validation, resumingFrom: state, progress: progress)
            } catch RecurrentError.interrupted(let epoch, let batch) {
                interruptedState = trainer.interruptedState
                throw RecurrentError.interrupted(epoch: epoch, batch: batch)
            }
            network = net
        }
        var info = [
            "trained_rows": "\(rows.lowerBound)..<\(trainEnd)",
            "validation_rows": validationRows > 0 ? "\(trainEnd)..<\(rows.upperBound)" : "none",
            "last_time": table.timeString(at: rows.upperBound - 1),
            "best_epoch": "\(history.bestEpoch)",
            "epochs_run": "\(history.epochs.count)",
        ]
        if let v = history.epochs.last?.validationLoss { info["last_validation_loss"] = "\(v)" }
        var calibrations: [IntervalCalibration] = []
        if let run = try validationRun(original, rows: rows, trainEnd: trainEnd, network: network, scaler: scaler, statistical: statistical) {
            if c.combination == .validated, c.members.count > 1, let errors = run.memberErrors(horizon: c.horizon) {
                for k in statistical.indices { statistical[k].weights = Combination.weights(errors: errors[k]) }
            }
            calibrations = try self.calibrations(run, table: original, rows: rows, statistical: statistical)
        } else if validationRows == 0, c.members.contains(where: { $0 != .network }) {
            // Too few rows to hold any out from the network: the classical members alone,
            // refitted without the latest rows, calibrate the intervals on them.
            let held = max(c.horizon, Int((Double(rows.count) * max(c.validationFraction, 0.2)).rounded()))
            if let run = try validationRun(original, rows: rows, trainEnd: rows.upperBound - held, network: nil, scaler: scaler,
                                           statistical: statistical) {
                calibrations = try self.calibrations(run, table: original, rows: rows, statistical: statistical)
            }
        }
        if c.refit, let net = network, let validation, history.bestEpoch > 0 {
            // After scoring, the network also learns from the validation rows, the latest it
            // forecasts from: a fifth of the epochs its best weights took, on every window.
            let all = try SampleSet<Float>(inputs: train.inputs + validation.inputs, targets: train.targets + validation.targets,
                                           count: train.count + validation.count, timesteps: c.timesteps,
                                           inputSize: c.inputs.count, outputSize: c.horizon * c.targets.count)
            var options = c.trainingOptions
            options.epochs = max(1, history.bestEpoch / 5)
            options.patience = nil
            let refitter = Trainer(network: net, options: options)
            refitter.collective = collective
            let more = try refitter.fit(train: all, validation: nil)
            info["refit_epochs"] = "\(more.epochs.count)"
        }
        for part in statistical {
            if let ets = part.ets { info["ets_\(part.target)"] = ets.spec.description }
            if let w = part.weights {
                info["weights_\(part.target)"] = w.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\(String(format: "%.3f", $0.value))" }.joined(separator: " ")
            }
        }
        model = ForecastModel(config: c, network: network, scalerOffset: scaler.offset, scalerScale: scaler.scale,
                              statistical: statistical, calibrations: calibrations, info: info)
        return history
    }

    // MARK: Predict

    /// The `horizon` values after row `end` (exclusive; the end of the table by default),
    /// from the `timesteps` rows before it, in original units: values[step][target].
    public func forecastValues(_ table: Table, before end: Int? = nil) throws -> [[Double]] {
        try forecasts(table, before: [end ?? table.rowCount], levels: [])[0].values
    }

    /// Every member's forecast of the `horizon` rows after each row of `ends` (exclusive), in
    /// original units, members[origin][step][target][member], and the network's quantiles they
    /// read the network member from (see ``networkQuantiles(_:before:model:)``; empty without a
    /// network). The network's inputs are adjusted and scaled once and its windows run as one batch.
    func memberForecasts(_ table: Table, before ends: [Int], model: ForecastModel) throws
        -> (members: [[[[Member: Double]]]], quantiles: [[[[Double]]]]) {
        let c = config
        for end in ends {
            guard end >= (model.network == nil ? 2 : c.timesteps), end <= table.rowCount else {
                throw ForecastError.notEnoughData("forecasting after row \(end) needs \(c.timesteps) rows before it; the table has \(table.rowCount)")
            }
        }
        var out = Array(repeating: Array(repeating: Array(repeating: [Member: Double](), count: c.targets.count), count: c.horizon),
                        count: ends.count)
        var quantiles: [[[[Double]]]] = []
        if model.network != nil, !ends.isEmpty {
            quantiles = try networkQuantiles(table, before: ends, model: model)
            let median = c.medianQuantile
            for i in ends.indices {
                for h in 0..<c.horizon {
                    for k in c.targets.indices { out[i][h][k][.network] = quantiles[i][h][k][median] }
                }
            }
        }
        for (k, part) in model.statistical.enumerated() {
            let series = try table.column(named: part.target)
            for (i, end) in ends.enumerated() {
                for (member, values) in try part.classicalForecasts(series: series, before: end, horizon: c.horizon) {
                    for h in 0..<c.horizon { out[i][h][k][member] = values[h] }
                }
            }
        }
        return (out, quantiles)
    }

    /// The network's outputs from each origin in original units: values[origin][step][target][q]
    /// for each of the configuration's ``ForecastConfig/quantileLevels`` (one, the point
    /// forecast, unless the loss is `quantile`). The inputs are adjusted and scaled once and the
    /// windows run as one batch; each step's quantiles are sorted, so that they never cross.
    func networkQuantiles(_ table: Table, before ends: [Int], model: ForecastModel) throws -> [[[[Double]]]] {
        let c = config
        guard let network = model.network else { throw ForecastError.invalidConfig("the model has no network") }
        let scaler = try model.scaler()
        let (inputs, targets) = try scaledColumns(try networkTable(table, statistical: model.statistical), scaler: scaler)
        var x: [Float] = []
        x.reserveCapacity(ends.count * c.timesteps * c.inputs.count)
        for end in ends {
            let window = try Windowing.inputWindow(inputs: inputs, timesteps: c.timesteps, endingBefore: end)
            if let bad = window.firstIndex(where: { !$0.isFinite }) {
                let row = end - c.timesteps + bad / c.inputs.count, column = c.inputs[bad % c.inputs.count]
                throw ForecastError.notEnoughData("\(column) at row \(row) is missing, or not positive although the model takes its logarithm (it was fitted on positive values; train with --transform none for such data)")
            }
            x += window
        }
        // y: (origins, horizon, targets, Q), Q innermost (see ForecastConfig.networkShape).
        let y = network.predict(x, count: ends.count, timesteps: c.timesteps)
        let q = c.quantileLevels.count
        let adjustments = c.targets.map { name in model.statistical.first { $0.target == name }?.adjustment }
        let columns = c.targets.map { c.columns.firstIndex(of: $0)! }
        return ends.enumerated().map { i, end in
            (0..<c.horizon).map { h in
                c.targets.indices.map { k in
                    let base: Float = c.residual ? targets[k][end - 1] : 0
                    let first = ((i * c.horizon + h) * c.targets.count + k) * q
                    return (0..<q).map { j in
                        let value = scaler.inverseTransform(y[first + j] + base, column: columns[k])
                        return adjustments[k]?.invert(value, row: end + h) ?? value
                    }.sorted()
                }
            }
        }
    }

    /// The most origins calibration forecasts from; longer validation periods are thinned evenly.
    static let maxCalibrationOrigins = 200
    /// The most origins members are scored from (every half horizon until then): each origin's
    /// classical forecasts run their recursions over the whole series, so an unbounded count
    /// would make a long series' fit quadratic in its length.
    static let maxScoringOrigins = 500

    /// Forecasts from origins in the validation rows `trainEnd..<rows.upperBound`, by models
    /// that never fitted those rows: the network as trained (before any refit), the classical
    /// members refitted on the rows before `trainEnd`, all reading the same adjustment. They
    /// score the members (see ``ValidationRun/memberErrors``) and calibrate the intervals.
    /// Nil when there are no validation rows or too few rows before them.
    func validationRun(_ table: Table, rows: Range<Int>, trainEnd: Int, network: RecurrentNetwork<Float>?,
                       scaler: Scaler, statistical: [TargetModels]) throws -> ValidationRun? {
        let c = config
        guard rows.upperBound > trainEnd, trainEnd - rows.lowerBound >= max(4, network == nil ? 0 : c.timesteps) else { return nil }
        var held = try fitStatistical(table, rows: rows.lowerBound..<trainEnd)
        for k in held.indices { held[k].adjustment = statistical[k].adjustment }
        let probe = ForecastModel(config: c, network: network, scalerOffset: scaler.offset, scalerScale: scaler.scale, statistical: held)
        // Members are scored on whole horizons from every half horizon (sparser past
        // `maxScoringOrigins`); calibration takes every
        // origin (partial horizons at the end included), at most `maxCalibrationOrigins` of them.
        let whole = rows.upperBound - c.horizon - trainEnd + 1
        let spacing = max(max(1, c.horizon / 2), (whole + Self.maxScoringOrigins - 1) / Self.maxScoringOrigins)
        let scoring = whole >= 1 ? Array(Swift.stride(from: trainEnd, through: rows.upperBound - c.horizon, by: spacing)) : []
        let count = rows.upperBound - trainEnd
        let every = (count + Self.maxCalibrationOrigins - 1) / Self.maxCalibrationOrigins
        let origins = Set(scoring).union(Swift.stride(from: trainEnd, to: rows.upperBound, by: every)).sorted()
        let (forecasts, quantiles) = try memberForecasts(table, before: origins, model: probe)
        let columns = try c.targets.map { try table.column(named: $0) }
        return ValidationRun(origins: origins, scoring: Set(scoring), end: rows.upperBound, forecasts: forecasts, actuals: columns,
                             quantiles: quantiles)
    }

    /// Per target, the conformal calibration of the combined forecast from the validation run's
    /// origins (see ``IntervalCalibration``), and, for a quantile head alone, of its central
    /// intervals (see ``QuantileInterval``).
    func calibrations(_ run: ValidationRun, table: Table, rows: Range<Int>, statistical: [TargetModels]) throws -> [IntervalCalibration] {
        let c = config
        let season = statistical.first?.season ?? Self.inferSeason(table: table, series: Array(run.actuals[0][rows]))
        let pairs = c.members == [.network] && !run.quantiles.isEmpty ? QuantileInterval.pairs(c.quantileLevels) : []
        return c.targets.indices.compactMap { k in
            let weights = k < statistical.count ? statistical[k].weights : nil
            let errors: [[Double]] = run.origins.indices.map { i in
                (0..<c.horizon).map { h in
                    let row = run.origins[i] + h
                    guard row < run.end else { return .nan }
                    return run.actuals[k][row] - c.combination.combine(run.forecasts[i][h][k], weights: weights)
                }
            }
            var calibration = IntervalCalibration.calibrate(target: c.targets[k], scaling: c.intervalScaling, errors: errors,
                                                            origins: run.origins, series: run.actuals[k], fitted: rows, season: season)
            calibration?.quantileIntervals = pairs.map { pair in
                var scores: [Double] = []
                for (i, origin) in run.origins.enumerated() {
                    for h in 0..<c.horizon where origin + h < run.end && run.actuals[k][origin + h].isFinite {
                        let y = run.actuals[k][origin + h], q = run.quantiles[i][h][k]
                        scores.append(max(q[pair.lower] - y, y - q[pair.upper]))
                    }
                }
                scores.sort()
                return QuantileInterval(level: pair.level, lower: pair.lower, upper: pair.upper,
                                        scores: IntervalCalibration.thinned(scores), scoreCount: scores.count)
            }
            return calibration
        }
    }

    /// The statistical parts of the recipe, fitted on `rows`: per target, the classical members
    /// and the network's adjustment, with the configured or inferred season.
    func fitStatistical(_ table: Table, rows: Range<Int>) throws -> [TargetModels] {
        let c = config
        let classical = c.members.contains { $0 != .network }
        guard classical || (c.hasNetwork && c.transform != .none) else { return [] }
        let first = try table.column(named: c.targets[0])
        let season = c.season ?? Self.inferSeason(table: table, series: Array(first[rows]))
        return try c.targets.map { name in
            try TargetModels.fit(target: name, series: try table.column(named: name), rows: rows, season: season, config: c)
        }
    }

    /// The table the network reads: each target column through its adjustment, when it has one.
    func networkTable(_ table: Table, statistical: [TargetModels]) throws -> Table {
        guard statistical.contains(where: { $0.adjustment != nil }) else { return table }
        var copy = table
        for part in statistical {
            guard let adjustment = part.adjustment else { continue }
            let j = try table.columnIndex(named: part.target)
            // A logged target has no value for v ≤ 0: such a row reads as missing (see memberForecasts).
            copy.columns[j] = table.columns[j].enumerated().map { row, v in
                v.isFinite && (!adjustment.log || v > 0) ? adjustment.apply(v, row: row) : .nan
            }
        }
        return copy
    }

    /// The forecast for the `horizon` steps after the end of the table, with their time stamps
    /// and prediction intervals at `levels` (fractions in (0, 1): 0.8 for 80 %).
    ///
    ///     for p in try forecaster.predict(table, levels: [0.8, 0.95]) {
    ///         print(p.timestamp, p.value, p.bounds.map { "\($0.lower)…\($0.upper)" })
    ///     }
    public func predict(_ table: Table, levels: [Double] = Forecaster.defaultLevels) throws -> [Point] {
        let (values, bounds) = try forecast(table, before: table.rowCount, levels: levels)
        let stamps = table.time.futureStrings(count: config.horizon, frequency: FrequencyInference(table.time).frequency)
        return values.enumerated().flatMap { h, row in
            row.indices.map { k in Point(timestamp: stamps[h], target: config.targets[k], step: h + 1, value: row[k], bounds: bounds[h][k]) }
        }
    }

    /// The forecast of the `horizon` rows after row `end` (exclusive), values[step][target], and
    /// its intervals at `levels`, bounds[step][target][level] (empty for a target the model has
    /// no calibration for).
    public func forecast(_ table: Table, before end: Int, levels: [Double]) throws -> (values: [[Double]], bounds: [[[IntervalBound]]]) {
        try forecasts(table, before: [end], levels: levels)[0]
    }

    /// ``forecast(_:before:levels:)`` from several origins at once: the network's inputs are
    /// prepared once and its windows run as one batch, so that scoring many origins costs what
    /// their forecasts cost rather than a pass over the table each.
    func forecasts(_ table: Table, before ends: [Int], levels: [Double]) throws -> [(values: [[Double]], bounds: [[[IntervalBound]]])] {
        try Self.checkLevels(levels)
        guard let model else { throw ForecastError.invalidConfig("the forecaster has no trained model; call fit first") }
        let c = config
        let (members, quantiles) = try memberForecasts(table, before: ends, model: model)
        let series = try c.targets.map { try table.column(named: $0) }
        return ends.indices.map { i in
            let values = (0..<c.horizon).map { h in
                c.targets.indices.map { k in
                    let weights = k < model.statistical.count ? model.statistical[k].weights : nil
                    return c.combination.combine(members[i][h][k], weights: weights)
                }
            }
            var bounds = Array(repeating: Array(repeating: [IntervalBound](), count: c.targets.count), count: c.horizon)
            guard !levels.isEmpty else { return (values, bounds) }
            for (k, name) in c.targets.enumerated() {
                guard let calibration = model.calibrations.first(where: { $0.target == name }) else { continue }
                let half = calibration.halfWidths(levels: levels, series: series[k], before: ends[i])
                for h in 0..<c.horizon {
                    bounds[h][k] = levels.indices.map { j in
                        IntervalBound(level: levels[j], lower: values[h][k] - half[h][j], upper: values[h][k] + half[h][j])
                    }
                }
                // A quantile head's conformalized interval where it has one for the level.
                for (j, level) in levels.enumerated() {
                    guard let cqr = calibration.quantileIntervals.first(where: { abs($0.level - level) < 1e-9 }) else { continue }
                    let correction = cqr.correction(steps: c.horizon)
                    for h in 0..<c.horizon {
                        let q = quantiles[i][h][k], point = values[h][k]
                        // A negative correction narrows the head's interval, but never past the median.
                        bounds[h][k][j] = IntervalBound(level: level, lower: min(q[cqr.lower] - correction, point),
                                                        upper: max(q[cqr.upper] + correction, point))
                    }
                }
            }
            return (values, bounds)
        }
    }

    /// The network's quantile forecasts of the `horizon` rows after row `end` (the end of the
    /// table by default), in original units: values[step][target][level] for each of the
    /// configuration's ``ForecastConfig/quantileLevels``, ascending (a loss other than
    /// `quantile` has one level, 0.5: the network's point forecast). These are the network
    /// member's raw quantiles; `forecast(_:before:levels:)` gives the calibrated intervals.
    public func quantileForecast(_ table: Table, before end: Int? = nil) throws -> [[[Double]]] {
        guard let model else { throw ForecastError.invalidConfig("the forecaster has no trained model; call fit first") }
        guard model.network != nil else { throw ForecastError.invalidConfig("the model has no network member to give quantiles") }
        return try networkQuantiles(table, before: [end ?? table.rowCount], model: model)[0]
    }

    /// Levels must be fractions strictly between 0 and 1, ascending and distinct.
    static func checkLevels(_ levels: [Double]) throws {
        for level in levels where !(level > 0 && level < 1) {
            throw ForecastError.invalidConfig("interval levels are fractions strictly between 0 and 1 (0.8 for 80 %), got \(level)")
        }
        guard levels == Array(Set(levels)).sorted() else {
            throw ForecastError.invalidConfig("interval levels must be distinct and ascending, got \(levels)")
        }
    }

    // MARK: Helpers

    /// Scaled input and target columns over all rows of the table.
    func scaledColumns(_ table: Table, scaler: Scaler) throws -> (inputs: [[Float]], targets: [[Float]]) {
        let raw = try config.columns.map { try table.column(named: $0) }
        let scaled = try scaler.transform(columns: raw)
        let inputs = config.inputs.map { scaled[config.columns.firstIndex(of: $0)!] }
        let targets = config.targets.map { scaled[config.columns.firstIndex(of: $0)!] }
        return (inputs, targets)
    }

    /// With `residual`, each window's targets become their change from the last observed value
    /// of the same target (the row before the window's first target row).
    func residualTargets(_ w: WindowSet, targets: [[Float]]) -> WindowSet {
        guard config.residual else { return w }
        var w = w
        for n in 0..<w.count {
            let last = w.targetStartRows[n] - 1
            for h in 0..<w.horizon {
                for k in 0..<w.targetDim { w.targets[(n * w.horizon + h) * w.targetDim + k] -= targets[k][last] }
            }
        }
        return w
    }

    func sampleSet(_ w: WindowSet) throws -> SampleSet<Float> {
        try SampleSet(inputs: w.inputs, targets: w.targets, count: w.count, timesteps: w.timesteps,
                      inputSize: w.inputDim, outputSize: w.horizon * w.targetDim)
    }
}

extension ForecastModel {
    /// The fitted scaler, rebuilt from the stored tensors.
    public func scaler() throws -> Scaler {
        try Scaler(kind: ScalerKind(rawValue: config.scaler) ?? .standard, columnNames: config.columns,
                   offset: scalerOffset, scale: scalerScale)
    }
}

/// The forecasts of ``Forecaster/validationRun(_:rows:trainEnd:network:scaler:statistical:)``.
struct ValidationRun {
    /// Forecast origins (the first forecast row), ascending.
    var origins: [Int]
    /// The origins members are scored from.
    var scoring: Set<Int>
    /// The end of the validation rows: later rows are not scored.
    var end: Int
    /// forecasts[origin][step][target][member].
    var forecasts: [[[[Member: Double]]]]
    /// The target columns.
    var actuals: [[Double]]
    /// The network's quantiles, quantiles[origin][step][target][q]; empty without a network.
    var quantiles: [[[[Double]]]]

    /// Each member's summed absolute error per target over the whole horizons from the scoring
    /// origins. Nil with fewer than two: one origin is too little evidence to choose members by,
    /// and the median of all serves better.
    func memberErrors(horizon: Int) -> [[Member: Double]]? {
        guard scoring.count >= 2 else { return nil }
        var sums = Array(repeating: [Member: Double](), count: actuals.count)
        for (i, origin) in origins.enumerated() where scoring.contains(origin) {
            for h in 0..<horizon {
                for k in actuals.indices {
                    for (member, value) in forecasts[i][h][k] { sums[k][member, default: 0] += abs(actuals[k][origin + h] - value) }
                }
            }
        }
        return sums
    }
}
