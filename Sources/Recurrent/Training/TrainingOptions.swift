/// How to train: PyTorch-style settings with the defaults a Keras user would expect.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs: Int = 100
    public var batchSize: Int = 32
    public var learningRate: Double = 1e-3
    public var optimizer: OptimizerKind = .adam()
    /// With `.quantile(levels:)`, the network needs targets × levels outputs (`Loss.outputsPerTarget`).
    public var loss: Loss = .mse
    /// Global gradient-norm clipping threshold; nil for none.
    public var clipNorm: Double? = nil
    /// Epochs without improvement of the monitored loss (validation if given, else training)
    /// before stopping; nil trains all epochs. The best weights are restored either way.
    public var patience: Int? = 10
    /// Smallest decrease that counts as an improvement.
    public var minDelta: Double = 0
    public var shuffle: Bool = true
    /// Seeds the shuffling; initialization and dropout are seeded by the network.
    public var seed: UInt64 = 0
    /// Threads that share each batch (data parallelism: every thread runs forward and backward
    /// on its slice of the batch, the gradients are summed in a fixed order). Results are
    /// deterministic for a given count; 1 reproduces the single-threaded run bit for bit.
    public var threads: Int = 1

    public init() {}

    public func validate() throws {
        func check(_ ok: Bool, _ m: String) throws { if !ok { throw RecurrentError.invalidData(m) } }
        try check(epochs >= 1, "epochs must be at least 1, got \(epochs)")
        try check(batchSize >= 1, "batch size must be at least 1, got \(batchSize)")
        try check(learningRate > 0 && learningRate.isFinite, "learning rate must be positive, got \(learningRate)")
        if let clipNorm { try check(clipNorm > 0, "gradient clip must be positive, got \(clipNorm)") }
        try check((1...256).contains(threads), "threads must be between 1 and 256, got \(threads)")
        if let patience { try check(patience >= 1, "patience must be at least 1, got \(patience)") }
        try loss.validate()
    }
}

/// One epoch of a training run.
public struct EpochRecord: Codable, Equatable, Sendable {
    public let epoch: Int
    public let trainLoss: Double
    public let validationLoss: Double?
    public let seconds: Double
}

/// What a training run did.
public struct TrainingHistory: Codable, Equatable, Sendable {
    public var epochs: [EpochRecord] = []
    /// The epoch whose weights the network holds at the end (1-based).
    public var bestEpoch = 0
    public var bestLoss = Double.infinity
    public var stoppedEarly = false

    public init() {}

    // JSON has no infinity: a best loss not yet seen is left out.
    private enum CodingKeys: String, CodingKey { case epochs, bestEpoch, bestLoss, stoppedEarly }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode([EpochRecord].self, forKey: .epochs)
        bestEpoch = try c.decode(Int.self, forKey: .bestEpoch)
        bestLoss = try c.decodeIfPresent(Double.self, forKey: .bestLoss) ?? .infinity
        stoppedEarly = try c.decode(Bool.self, forKey: .stoppedEarly)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(bestEpoch, forKey: .bestEpoch)
        if bestLoss.isFinite { try c.encode(bestLoss, forKey: .bestLoss) }
        try c.encode(stoppedEarly, forKey: .stoppedEarly)
    }
}
