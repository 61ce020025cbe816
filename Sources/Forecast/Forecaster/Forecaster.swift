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

    /// Reads a CSV with the configuration's time column, columns and missing-value policy.
    public static func readTable(path: String, config: ForecastConfig, options: CSVOptions = CSVOptions()) throws -> Table {
        var options = options
        if let time = config.timeColumn { options.time = .name(time) }
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

    /// One forecast value.
    public struct Point: Codable, Equatable, Sendable {
        public let timestamp: String
        public let target: String
        /// 1-based horizon step.
        public let step: Int
        public let value: Double
    }

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
        if c.combination == .validated, c.members.count > 1,
           let errors = try validationErrors(original, rows: rows, trainEnd: trainEnd, network: network, scaler: scaler, statistical: statistical) {
            for k in statistical.indices { statistical[k].weights = Combination.weights(errors: errors[k]) }
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
                              statistical: statistical, info: info)
        return history
    }

    // MARK: Predict

    /// The `horizon` values after row `end` (exclusive; the end of the table by default),
    /// from the `timesteps` rows before it, in original units: values[step][target].
    public func forecastValues(_ table: Table, before end: Int? = nil) throws -> [[Double]] {
        guard let model else { throw ForecastError.invalidConfig("the forecaster has no trained model; call fit first") }
        let end = end ?? table.rowCount
        let c = config
        let forecasts = try memberForecasts(table, before: end, model: model)
        return (0..<c.horizon).map { h in
            c.targets.indices.map { k in
                let weights = k < model.statistical.count ? model.statistical[k].weights : nil
                return c.combination.combine(forecasts[h][k], weights: weights)
            }
        }
    }

    /// Every member's forecast of the `horizon` rows after row `end`, in original units:
    /// values[step][target][member].
    func memberForecasts(_ table: Table, before end: Int, model: ForecastModel) throws -> [[[Member: Double]]] {
        let c = config
        guard end >= (model.network == nil ? 2 : c.timesteps), end <= table.rowCount else {
            throw ForecastError.notEnoughData("forecasting after row \(end) needs \(c.timesteps) rows before it; the table has \(table.rowCount)")
        }
        var out = Array(repeating: Array(repeating: [Member: Double](), count: c.targets.count), count: c.horizon)
        if let network = model.network {
            let scaler = try model.scaler()
            let (inputs, targets) = try scaledColumns(try networkTable(table, statistical: model.statistical), scaler: scaler)
            let x = try Windowing.inputWindow(inputs: inputs, timesteps: c.timesteps, endingBefore: end)
            if let bad = x.firstIndex(where: { !$0.isFinite }) {
                let row = end - c.timesteps + bad / c.inputs.count, column = c.inputs[bad % c.inputs.count]
                throw ForecastError.notEnoughData("\(column) at row \(row) is missing, or not positive although the model takes its logarithm (it was fitted on positive values; train with --transform none for such data)")
            }
            let y = network.predict(x, count: 1, timesteps: c.timesteps)
            for h in 0..<c.horizon {
                for (k, name) in c.targets.enumerated() {
                    let column = c.columns.firstIndex(of: name)!
                    let base: Float = c.residual ? targets[k][end - 1] : 0
                    let value = scaler.inverseTransform(y[h * c.targets.count + k] + base, column: column)
                    let adjustment = model.statistical.first { $0.target == name }?.adjustment
                    out[h][k][.network] = adjustment?.invert(value, row: end + h) ?? value
                }
            }
        }
        for (k, part) in model.statistical.enumerated() {
            let series = try table.column(named: part.target)
            for (member, values) in try part.classicalForecasts(series: series, before: end, horizon: c.horizon) {
                for h in 0..<c.horizon { out[h][k][member] = values[h] }
            }
        }
        return out
    }

    /// Each member's summed absolute error per target over the forecasts from the validation
    /// origins `trainEnd`, `trainEnd + h/2`, … (every whole horizon inside `trainEnd..<end`): the
    /// network as trained (its weights never fitted these rows), the classical members refitted
    /// on the rows before `trainEnd`, all reading the same adjustment. Nil with fewer than two
    /// origins.
    func validationErrors(_ table: Table, rows: Range<Int>, trainEnd: Int, network: RecurrentNetwork<Float>?,
                          scaler: Scaler, statistical: [TargetModels]) throws -> [[Member: Double]]? {
        let c = config
        guard rows.upperBound - trainEnd >= c.horizon, trainEnd - rows.lowerBound >= max(4, network == nil ? 0 : c.timesteps) else { return nil }
        var held = try fitStatistical(table, rows: rows.lowerBound..<trainEnd)
        for k in held.indices { held[k].adjustment = statistical[k].adjustment }
        let probe = ForecastModel(config: c, network: network, scalerOffset: scaler.offset, scalerScale: scaler.scale, statistical: held)
        let step = max(1, c.horizon / 2)
        let origins = Array(Swift.stride(from: trainEnd, through: rows.upperBound - c.horizon, by: step))
        // One origin is too little evidence to choose members by: the median of all serves better.
        guard origins.count >= 2 else { return nil }
        var sums = Array(repeating: [Member: Double](), count: c.targets.count)
        let columns = try c.targets.map { try table.column(named: $0) }
        for origin in origins {
            let forecasts = try memberForecasts(table, before: origin, model: probe)
            for h in 0..<c.horizon {
                for k in c.targets.indices {
                    let actual = columns[k][origin + h]
                    for (member, value) in forecasts[h][k] { sums[k][member, default: 0] += abs(actual - value) }
                }
            }
        }
        return sums
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

    /// The forecast for the `horizon` steps after the end of the table, with their time stamps.
    public func predict(_ table: Table) throws -> [Point] {
        let values = try forecastValues(table)
        let stamps = table.time.futureStrings(count: config.horizon, frequency: FrequencyInference(table.time).frequency)
        return values.enumerated().flatMap { h, row in
            zip(config.targets, row).map { Point(timestamp: stamps[h], target: $0, step: h + 1, value: $1) }
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
