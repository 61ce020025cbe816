/// A training run stopped at a batch boundary: enough to continue it bit for bit
/// (`Trainer.fit(…, resumingFrom:)`). Weights and optimizer moments are kept as Double, which
/// holds a Float exactly.
public struct TrainingState: Codable, Equatable, Sendable {
    /// The epoch in progress (1-based), its window order, and the next window of that order.
    public var epoch: Int
    public var order: [Int]
    public var nextWindow: Int
    public var batchIndex: Int
    /// Σ loss × windows over this epoch's finished batches.
    public var lossSum: Double
    /// Whether this epoch's order has been shuffled already.
    public var epochStarted: Bool
    public var sinceImprovement: Int
    public var history: TrainingHistory
    public var best: [Double]
    public var lastGood: [Double]
    public var values: [Double]
    public var optimizerStep: Int
    public var optimizerFirst: [Double]
    public var optimizerSecond: [Double]
    public var shuffler: SeededGenerator
    /// Dropout streams of the network and of each data-parallel replica.
    public var dropout: [SeededGenerator]

    /// A run about to start its first epoch.
    init(order: [Int], history: TrainingHistory, best: [Double], shuffler: SeededGenerator) {
        epoch = 1
        self.order = order
        nextWindow = 0
        batchIndex = 0
        lossSum = 0
        epochStarted = false
        sinceImprovement = 0
        self.history = history
        self.best = best
        lastGood = []
        values = []
        optimizerStep = 0
        optimizerFirst = []
        optimizerSecond = []
        self.shuffler = shuffler
        dropout = []
    }

    /// Moves on to `epoch`: its order is shuffled from the last one when it begins.
    mutating func startEpoch(_ epoch: Int) {
        self.epoch = epoch
        nextWindow = 0
        batchIndex = 0
        lossSum = 0
        epochStarted = false
    }
}
