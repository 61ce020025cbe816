import ArgumentParser
import Forecast

/// The flags that make a `ForecastConfig`, shared by `train` and `backtest`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Comma-separated columns to forecast (required).")
    var target: String?

    @Option(help: "Comma-separated input columns (default: the targets).")
    var inputs: String?

    @Option(help: "Calendar features as extra inputs: comma-separated hour, dayofweek, month.")
    var calendar: String?

    @Option(help: "Time column name (default: found automatically).")
    var timeColumn: String?

    @Option(parsing: .unconditional, help: "Past steps each window reads (default: two seasons of the data's sampling rate, at least 24).")
    var timesteps: Int?

    @Option(parsing: .unconditional, help: "Future steps to forecast.")
    var horizon = 1

    @Option(parsing: .unconditional, help: "Rows between training windows.")
    var windowStride = 1

    @Option(help: "Models whose forecasts are combined: any of ets, theta, ar, network (comma-separated). The default recipe is all four; network alone is the plain recurrent network.")
    var members = "ets,theta,ar,network"

    @Option(help: "How members' forecasts combine: validated (the mean of the two best on the validation rows), median or mean.")
    var combine = "validated"

    @Option(help: "What the network reads for each target: adjusted (seasonally adjusted, logged when positive) or none.")
    var transform = "adjusted"

    @Option(name: .customLong("model-season"), parsing: .unconditional, help: "Seasonal period of the recipe's models (default: inferred).")
    var modelSeason: Int?

    @Option(help: "Recurrent cell: lstm, gru or rnn.")
    var cell = "lstm"

    @Option(parsing: .unconditional, help: "Hidden units per layer and direction.")
    var hidden = 32

    @Option(parsing: .unconditional, help: "Stacked recurrent layers.")
    var layers = 1

    @Flag(help: "Bidirectional layers.")
    var bidirectional = false

    @Option(parsing: .unconditional, help: "Dropout between layers, in [0, 1).")
    var dropout = 0.0

    @Option(help: "Scaler fitted on the training rows: standard, minmax or none.")
    var scaler = "standard"

    @Option(help: "Loss: mse, mae, huber, huber:DELTA, or quantile[:LEVELS] (pinball loss of a quantile head, default levels 0.1,0.5,0.9; 0.5 is the point forecast; with --members network, pairs like 0.1/0.9 give conformalized 80 % intervals).")
    var loss = "mse"

    @Option(help: "Optimizer: adam, adamw, sgd, momentum, nesterov, rmsprop or adagrad.")
    var optimizer = "adam"

    // Named as the flag, like every other option here, so that a flag's name can be read off
    // its property (train --resume names the flags it refuses that way).
    @Option(parsing: .unconditional, help: "Learning rate.")
    var lr = 1e-3

    @Option(parsing: .unconditional, help: "Maximum training epochs (default: 100, raised on short series to about 3000 optimizer steps).")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Mini-batch size.")
    var batchSize = 32

    @Option(parsing: .unconditional, help: "Stop after this many epochs without validation improvement (0: never).")
    var patience = 10

    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value.")
    var clip: Double?

    @Option(parsing: .unconditional, help: "Fraction of the latest training rows used for validation (early stopping, scoring the members).")
    var validation = 0.2

    @Flag(inversion: .prefixedNo, help: "After validation, train the network a few more epochs on all rows.")
    var refit = true

    @Option(help: "How prediction intervals follow the series: step (widths by horizon step, the same at every origin) or local (also scaled by how much the series moved recently).")
    var intervalScaling: IntervalScaling = .step

    @Option(help: "Missing values: error, drop, ffill or interpolate.")
    var missing = "error"

    @Option(parsing: .unconditional, help: "Seed for initialization, shuffling and dropout.")
    var seed: UInt64 = 42

    @Option(parsing: .unconditional, help: "Threads that share each training batch (train: all cores, shared between the ranks on a host under --distributed; backtest: 1 per fold, folds run in parallel). Reproducible for a given count.")
    var threads: Int?

    /// The configuration for this table: `config()` with the season-aware default window.
    func config(for table: Table) throws -> ForecastConfig {
        var c = try config()
        if timesteps == nil {
            c.timesteps = Forecaster.suggestedTimesteps(for: table)
            try c.validate()
        }
        return c
    }

    func config() throws -> ForecastConfig {
        guard let cellKind = CellKind(rawValue: cell) else {
            throw ValidationError("--cell must be lstm, gru or rnn, got \(cell)")
        }
        guard let target else { throw ValidationError("missing --target: the column(s) to forecast") }
        let targets = target.split(separator: ",").map(String.init)
        var c = ForecastConfig(inputs: inputs.map { $0.split(separator: ",").map(String.init) }, targets: targets)
        c.timeColumn = timeColumn
        if let calendar {
            c.calendar = calendar.split(separator: ",").map(String.init)
            c.inputs += c.calendarFeatures.columnNames.filter { !c.inputs.contains($0) }
        }
        c.timesteps = timesteps ?? 24
        c.horizon = horizon
        c.stride = windowStride
        c.cell = cellKind
        c.hidden = hidden
        c.layers = layers
        c.bidirectional = bidirectional
        c.dropout = dropout
        c.scaler = scaler
        c.loss = loss
        c.optimizer = optimizer
        c.learningRate = lr
        c.epochs = epochs ?? 100
        if epochs != nil { c.trainingSteps = nil }
        c.batchSize = batchSize
        c.patience = patience > 0 ? patience : nil
        c.gradientClip = clip
        c.validationFraction = validation
        c.refit = refit
        c.intervalScaling = intervalScaling
        c.missing = missing
        c.seed = seed
        c.threads = threads
        c.members = try members.split(separator: ",").map { name in
            guard let m = Member(rawValue: String(name)) else { throw ValidationError("--members takes ets, theta, ar and network, got \(name)") }
            return m
        }
        guard let combination = Combination(rawValue: combine) else { throw ValidationError("--combine must be validated, median or mean, got \(combine)") }
        c.combination = combination
        guard let t = TargetTransform(rawValue: transform) else { throw ValidationError("--transform must be adjusted or none, got \(transform)") }
        c.transform = t
        c.season = modelSeason
        try c.validate()
        return c
    }
}

extension IntervalScaling: ExpressibleByArgument {}

/// `--levels`, shared by the commands that forecast.
struct LevelOptions: ParsableArguments {
    @Option(help: "Prediction-interval levels in percent, comma-separated (lo-80/hi-80 ... columns), or none.")
    var levels = "80,95"

    /// The levels as fractions, ascending.
    func fractions() throws -> [Double] {
        do { return try IntervalBound.parseLevels(levels) } catch let e as LevelError { throw ValidationError("--levels: \(e.message)") }
    }
}

/// `--quiet` and `--json`, shared by every command that reports.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print machine-readable JSON on stdout.")
    var json = false

    @Flag(help: "Replace files in the output folder that forecast did not write.")
    var force = false
}
