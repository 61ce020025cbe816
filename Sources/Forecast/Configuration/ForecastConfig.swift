/// Everything that defines a forecaster: which columns, how the windows are cut, the network, and
/// how it is trained. Stored whole, as JSON, in every model file, so a model can be reloaded and
/// reused without the command line that made it.
///
///     var config = ForecastConfig(targets: ["passengers_thousands"])
///     config.timesteps = 24
///     config.horizon = 12
///     config.cell = .gru
public struct ForecastConfig: Codable, Equatable, Sendable {
    /// Model-file format version written into `__metadata__`.
    public static let formatVersion = 2
    /// Model-file format versions this build reads: 1 (a network alone) and 2 (the recipe).
    public static let readableFormatVersions = 1...2

    /// What forecasts: the models whose forecasts are combined (see ``Combination``). The default
    /// is the recipe `[.ets, .theta, .ar, .network]`; `[.network]` alone is the recurrent network
    /// as it was before the recipe (and what a version 1 model file holds).
    public var members: [Member] = Member.recipe
    /// How the members' forecasts are combined: by default the two that forecast the
    /// validation rows best.
    public var combination: Combination = .validated
    /// How the network sees its targets (`.adjusted`: deseasonalized and, when positive, logged).
    public var transform: TargetTransform = .adjusted
    /// Seasonal period for the recipe's models; nil infers it from the sampling frequency and
    /// the autocorrelation of the training rows.
    public var season: Int? = nil

    /// Input columns (the network reads these at every step). Defaults to the targets.
    public var inputs: [String]
    /// Columns to forecast.
    public var targets: [String]
    /// Name of the time column; nil lets the reader find it.
    public var timeColumn: String? = nil
    /// How the training file's time column was written when it was neither ISO 8601 nor an index
    /// (`Table.dateFormat` in its `CSVOptions.DateFormat` spelling: `%m/%d/%Y`, `unix`); nil
    /// otherwise. The command line records it, and reads later files with it as
    /// `CSVOptions.dateFormatHint`, so a file whose dates alone are ambiguous (all days up to 12)
    /// is read as the training file was; `Forecaster.readTable` applies it the same way.
    public var dateFormat: String? = nil
    /// Past steps each window reads.
    public var timesteps = 24
    /// Future steps each forecast covers (direct multi-step: one head output per step and target).
    public var horizon = 1
    /// Distance between consecutive training windows.
    public var stride = 1
    public var cell: CellKind = .lstm
    public var hidden = 32
    public var layers = 1
    public var bidirectional = false
    public var dropout = 0.0
    /// `standard`, `minmax` or `none`; fitted on the training part only.
    public var scaler = "standard"
    /// Forecast the change from the last observed value of each target (in scaled units)
    /// rather than the level: the network's output is added to the last value. This keeps
    /// trending series and prices, whose future levels lie outside the training range, within
    /// what the network has seen; the naive forecast is then the zero output.
    public var residual = true
    /// `mse`, `mae`, `huber` or `huber:DELTA`.
    public var loss = "mse"
    /// `adam`, `adamw`, `sgd`, `momentum`, `nesterov`, `rmsprop`, `adagrad`.
    public var optimizer = "adam"
    public var learningRate = 1e-3
    public var epochs = 100
    /// Optimizer steps that training may take at least: on a short series, whose epochs hold a
    /// batch or two, the epoch limit is raised to about this many steps (at most 5000 epochs)
    /// and the patience with it (a tenth of the epochs), so that a small network converges
    /// instead of stopping after a few hundred steps. Nil keeps `epochs` and `patience` as set.
    public var trainingSteps: Int? = 3000
    public var batchSize = 32
    /// Epochs without validation improvement before stopping; nil trains every epoch.
    public var patience: Int? = 10
    /// Global gradient-norm clip; nil for none.
    public var gradientClip: Double? = nil
    /// Fraction of the rows (the latest ones, and at least a horizon) held out for validation:
    /// early stopping, scoring the members for `Combination.validated`, and calibrating the
    /// prediction intervals (see ``IntervalCalibration``). 0 gives forecasts without intervals.
    public var validationFraction = 0.2
    /// How the conformal intervals scale with the series at the forecast origin.
    public var intervalScaling: IntervalScaling = .step
    /// After early stopping and scoring, train the network a little more (a fifth of its best
    /// epoch count) on every window, the validation rows included.
    public var refit = true
    /// Calendar features derived from the time column and read as extra inputs: any of `hour`,
    /// `dayofweek`, `month`, each a sin/cos pair (`hour_sin`, `hour_cos`, ...) that must also be
    /// listed in `inputs`. Nil or empty for none.
    public var calendar: [String]? = nil
    /// Missing-value policy: `error`, `drop`, `ffill`, `interpolate`.
    public var missing = "error"
    public var seed: UInt64 = 42
    /// Threads that share each training batch (nil: 1). A run is reproducible bit for bit for a
    /// given count; different counts agree to rounding.
    public var threads: Int? = nil

    /// Whether a network is part of the model (and so in its file).
    public var hasNetwork: Bool { members.contains(.network) }

    public init(inputs: [String]? = nil, targets: [String]) {
        self.targets = targets
        self.inputs = inputs ?? targets
    }

    /// Input columns followed by targets that are not inputs: the columns a model reads and scales.
    public var columns: [String] {
        inputs + targets.filter { !inputs.contains($0) }
    }

    /// The calendar features as an option set.
    public var calendarFeatures: CalendarFeatures {
        var f: CalendarFeatures = []
        for name in calendar ?? [] {
            switch name {
            case "hour": f.insert(.hourOfDay)
            case "dayofweek": f.insert(.dayOfWeek)
            case "month": f.insert(.month)
            default: break
            }
        }
        return f
    }

    /// The columns read from the file: `columns` without the derived calendar features.
    public var fileColumns: [String] {
        let derived = Set(calendarFeatures.columnNames)
        return columns.filter { !derived.contains($0) }
    }

    /// The network's layout. With the quantile loss the head has one output per step, target
    /// and quantile level, the levels innermost: output `(h · targets + k) · Q + q`, which a
    /// PyTorch user reshapes as `(batch, horizon, targets, Q)`.
    public var networkShape: NetworkShape {
        NetworkShape(cell: cell, inputSize: inputs.count, hiddenSize: hidden, layers: layers,
                     bidirectional: bidirectional, outputSize: horizon * targets.count * quantileLevels.count, dropout: dropout)
    }

    /// The quantile levels of the network's head with `loss` `quantile`, ascending; `[0.5]`
    /// (one output, the point forecast) with any other loss.
    public var quantileLevels: [Double] {
        if case .quantile(let levels)? = Loss(name: loss) { return levels }
        return [0.5]
    }

    /// Which of ``quantileLevels`` the network's point forecast reads: the median.
    var medianQuantile: Int { quantileLevels.firstIndex(of: 0.5) ?? 0 }

    /// Checks every setting, with a message naming the one that is wrong.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw ForecastError.invalidConfig(message) } }
        try check(!targets.isEmpty, "at least one target column is needed")
        try check(!inputs.isEmpty, "at least one input column is needed")
        try check(Set(inputs).count == inputs.count, "input columns repeat: \(inputs)")
        try check(Set(targets).count == targets.count, "target columns repeat: \(targets)")
        try check(timesteps >= 1 && timesteps <= 100_000, "timesteps must be between 1 and 100000, got \(timesteps)")
        try check(horizon >= 1 && horizon <= 100_000, "horizon must be between 1 and 100000, got \(horizon)")
        try check(stride >= 1, "stride must be at least 1, got \(stride)")
        try check(hidden >= 1 && hidden <= 65_536, "hidden size must be between 1 and 65536, got \(hidden)")
        try check(layers >= 1 && layers <= 64, "layers must be between 1 and 64, got \(layers)")
        try check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got \(dropout)")
        try check(["standard", "minmax", "none"].contains(scaler), "scaler must be standard, minmax or none, got \(scaler)")
        try check(Loss(name: loss) != nil, "loss must be mse, mae, huber, huber:DELTA, quantile or quantile:LEVELS (like quantile:0.1,0.5,0.9), got \(loss)")
        if case .quantile(let levels)? = Loss(name: loss) {
            try check(levels.contains(0.5), "the quantile loss needs the level 0.5, whose output is the point forecast; got \(levels)")
        }
        try check(OptimizerKind(name: optimizer) != nil, "optimizer must be one of \(OptimizerKind.names.joined(separator: ", ")), got \(optimizer)")
        try check(learningRate > 0 && learningRate.isFinite, "learning rate must be positive, got \(learningRate)")
        try check(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        if let trainingSteps { try check(trainingSteps >= 1, "training steps must be at least 1, got \(trainingSteps)") }
        try check(batchSize >= 1, "batch size must be at least 1, got \(batchSize)")
        if let patience { try check(patience >= 1, "patience must be at least 1, got \(patience)") }
        if let gradientClip { try check(gradientClip > 0, "gradient clip must be positive, got \(gradientClip)") }
        try check(validationFraction >= 0 && validationFraction < 1, "validation fraction must be in [0, 1), got \(validationFraction)")
        for name in calendar ?? [] {
            try check(["hour", "dayofweek", "month"].contains(name), "calendar features are hour, dayofweek and month, got \(name)")
        }
        for name in calendarFeatures.columnNames {
            try check(inputs.contains(name), "calendar feature \(name) must be one of the inputs")
        }
        try check(!targets.contains { calendarFeatures.columnNames.contains($0) }, "a calendar feature cannot be a target")
        try check(workspaceBytes <= Self.maximumWorkspaceBytes,
                  "training would need about \(workspaceBytes / 1_000_000_000) GB of activations (timesteps × batch size × hidden × layers); lower one of them")
        if let threads { try check((1...256).contains(threads), "threads must be between 1 and 256, got \(threads)") }
        try check(["error", "drop", "ffill", "interpolate"].contains(missing), "missing must be error, drop, ffill or interpolate, got \(missing)")
        try check(!members.isEmpty, "at least one model is needed in members")
        try check(Set(members).count == members.count, "members repeat: \(members.map(\.rawValue))")
        if let season { try check((1...100_000).contains(season), "season must be between 1 and 100000, got \(season)") }
    }

    /// Activations kept for backpropagation, per batch: gates, their gradients, states and cell
    /// values of every layer and direction at every time step (float32), saturating.
    public var workspaceBytes: Int {
        let gates = hidden.multipliedReportingOverflow(by: 4 * 3 + 4)
        let perStep = gates.partialValue.multipliedReportingOverflow(by: layers * (bidirectional ? 2 : 1))
        let steps = timesteps.multipliedReportingOverflow(by: batchSize)
        let total = perStep.partialValue.multipliedReportingOverflow(by: steps.partialValue)
        if gates.overflow || perStep.overflow || steps.overflow || total.overflow || total.partialValue > Int.max / 4 { return Int.max }
        return total.partialValue * 4
    }

    /// 8 GB of activations.
    public static let maximumWorkspaceBytes = 8_000_000_000

    /// The epoch limit and patience for `batches` mini-batches per epoch (see `trainingSteps`).
    public func trainingLength(batchesPerEpoch batches: Int) -> (epochs: Int, patience: Int?) {
        guard let trainingSteps, batches > 0 else { return (epochs, patience) }
        let needed = min(5000, (trainingSteps + batches - 1) / batches)
        guard needed > epochs else { return (epochs, patience) }
        return (needed, patience.map { max($0, needed / 10) })
    }

    /// The trainer settings these choices imply.
    public var trainingOptions: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = batchSize
        o.learningRate = learningRate
        o.optimizer = OptimizerKind(name: optimizer) ?? .adam()
        o.loss = Loss(name: loss) ?? .mse
        o.clipNorm = gradientClip
        o.patience = patience
        o.seed = seed
        o.threads = threads ?? 1
        return o
    }
}

/// Errors of the forecasting layer; one line each.
public enum ForecastError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case notEnoughData(String)
    case incompatibleModel(String)
    case wouldOverwrite(String)
    /// A file or folder that cannot be read or written, with the path and the reason in plain words.
    case fileSystem(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): "invalid configuration: \(m)"
        case .notEnoughData(let m): "not enough data: \(m)"
        case .incompatibleModel(let m): "incompatible model: \(m)"
        case .wouldOverwrite(let m): m
        case .fileSystem(let m): m
        }
    }
}
