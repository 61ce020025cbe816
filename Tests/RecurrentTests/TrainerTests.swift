import Foundation
import Recurrent
import Testing

/// A sine wave with noise as windows of `timesteps` → the next `horizon` values.
func sineWindows(count: Int, timesteps: Int, horizon: Int, seed: UInt64) throws -> SampleSet<Float> {
    var g = SeededGenerator(seed: seed)
    var series: [Float] = []
    for i in 0..<count + timesteps + horizon {
        let noise = g.uniform(bound: 0.05)
        series.append(Float(sin(Double(i) * 0.3) + noise))
    }
    var x: [Float] = [], y: [Float] = []
    for i in 0..<count {
        x += series[i..<i + timesteps]
        y += series[i + timesteps..<i + timesteps + horizon]
    }
    return try SampleSet(inputs: x, targets: y, count: count, timesteps: timesteps, inputSize: 1, outputSize: horizon)
}

@Suite("Trainer")
struct TrainerTests {
    func options(epochs: Int = 5, seed: UInt64 = 3) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 16
        o.learningRate = 0.01
        o.seed = seed
        o.patience = nil
        return o
    }

    @Test("the same seed gives bit-identical weights and losses; another seed does not")
    func determinism() throws {
        let data = try sineWindows(count: 100, timesteps: 10, horizon: 2, seed: 1)
        func run(_ seed: UInt64) throws -> ([Float], [Double]) {
            let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .lstm, inputSize: 1, hiddenSize: 8, layers: 2,
                                                                      outputSize: 2, dropout: 0.2), seed: seed)
            let h = try Trainer(network: net, options: options(seed: seed)).fit(train: data)
            return (net.parameters.allValues, h.epochs.map(\.trainLoss))
        }
        let a = try run(5), b = try run(5), c = try run(6)
        #expect(a.0 == b.0)
        #expect(a.1 == b.1)
        #expect(a.0 != c.0)
    }

    @Test("training lowers the loss for every cell", arguments: CellKind.allCases)
    func learns(cell: CellKind) throws {
        let data = try sineWindows(count: 200, timesteps: 12, horizon: 1, seed: 2)
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: cell, inputSize: 1, hiddenSize: 12, outputSize: 1), seed: 1)
        let trainer = Trainer(network: net, options: options(epochs: 30))
        let before = trainer.evaluate(data)
        let history = try trainer.fit(train: data)
        let after = trainer.evaluate(data)
        #expect(history.epochs.count == 30)
        #expect(after < before / 10, "\(cell): loss \(before) → \(after)")
    }

    @Test("early stopping stops after `patience` epochs without improvement and restores the best weights")
    func earlyStopping() throws {
        let train = try sineWindows(count: 64, timesteps: 8, horizon: 1, seed: 3)
        let validation = try sineWindows(count: 32, timesteps: 8, horizon: 1, seed: 4)
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .gru, inputSize: 1, hiddenSize: 6, outputSize: 1), seed: 2)
        var o = options(epochs: 300)
        o.learningRate = 0.05
        o.patience = 3
        o.minDelta = 1e-3
        let trainer = Trainer(network: net, options: o)
        let history = try trainer.fit(train: train, validation: validation)
        #expect(history.stoppedEarly)
        #expect(history.epochs.count == history.bestEpoch + 3)
        let losses = history.epochs.compactMap(\.validationLoss)
        let best = losses[history.bestEpoch - 1]
        #expect(best == losses[..<history.bestEpoch].min())
        // Later epochs never improved on it by more than minDelta.
        #expect(losses[history.bestEpoch...].allSatisfy { $0 >= best - 1e-3 })
        #expect(abs(trainer.evaluate(validation) - best) <= 1e-12 * max(1, best))
    }

    @Test("a diverging run stops with a message naming epoch and batch, keeping finite weights")
    func divergence() throws {
        let data = try sineWindows(count: 64, timesteps: 8, horizon: 1, seed: 5)
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .rnn, inputSize: 1, hiddenSize: 4, outputSize: 1), seed: 3)
        var o = options(epochs: 50)
        o.optimizer = .sgd()
        o.learningRate = 1e20
        let trainer = Trainer(network: net, options: o)
        var thrown: RecurrentError?
        do { _ = try trainer.fit(train: data) } catch let e as RecurrentError { thrown = e }
        let error = try #require(thrown)
        switch error {
        case .nonFiniteLoss(let epoch, let batch, _), .nonFiniteGradient(let epoch, let batch):
            #expect(epoch >= 1 && batch >= 1)
            #expect(error.description.contains("epoch \(epoch), batch \(batch)"))
            #expect(error.description.contains("lower learning rate"))
        default:
            Issue.record("unexpected error \(error)")
        }
        #expect(net.parameters.allValues.allSatisfy { $0.isFinite })
        #expect(trainer.evaluate(data).isFinite)
    }

    @Test("bad data and settings are rejected with a clear message")
    func rejects() throws {
        #expect(throws: RecurrentError.invalidData("inputs hold 5 values, expected 2×3×1")) {
            try SampleSet<Float>(inputs: [1, 2, 3, 4, 5], targets: [1, 2], count: 2, timesteps: 3, inputSize: 1, outputSize: 1)
        }
        #expect(throws: RecurrentError.invalidData("target value 1 (window 1) is not finite")) {
            try SampleSet<Float>(inputs: [1, 2], targets: [1, .nan], count: 2, timesteps: 1, inputSize: 1, outputSize: 1)
        }
        #expect(throws: RecurrentError.invalidShape("hidden size must be at least 1, got 0")) {
            try RecurrentNetwork<Float>(shape: NetworkShape(inputSize: 1, hiddenSize: 0, outputSize: 1))
        }
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(inputSize: 2, hiddenSize: 3, outputSize: 1))
        let data = try sineWindows(count: 4, timesteps: 3, horizon: 1, seed: 1)
        #expect(throws: RecurrentError.self) { _ = try Trainer(network: net, options: self.options()).fit(train: data) }
        var bad = options()
        bad.batchSize = 0
        #expect(throws: RecurrentError.invalidData("batch size must be at least 1, got 0")) { try bad.validate() }
    }

    @Test("dropout is active in training only")
    func dropout() throws {
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .lstm, inputSize: 1, hiddenSize: 8, layers: 2,
                                                                  outputSize: 1, dropout: 0.5), seed: 1)
        let x: [Float] = (0..<20).map { Float($0) / 20 }
        let eval1 = net.forward(x, batch: 2, timesteps: 10)
        let train = net.forward(x, batch: 2, timesteps: 10, training: true)
        let eval2 = net.forward(x, batch: 2, timesteps: 10)
        #expect(eval1 == eval2)
        #expect(train != eval1)
    }
}

@Suite("Data-parallel training")
struct DataParallelTrainingTests {
    func windows(count: Int) throws -> SampleSet<Double> {
        let f = try sineWindows(count: count, timesteps: 9, horizon: 3, seed: 4)
        return try SampleSet(inputs: f.inputs.map(Double.init), targets: f.targets.map(Double.init), count: count,
                             timesteps: 9, inputSize: 1, outputSize: 3)
    }

    func train(threads: Int, cell: CellKind, dropout: Double = 0, data: SampleSet<Double>) throws -> ([Double], [Double]) {
        let shape = NetworkShape(cell: cell, inputSize: 1, hiddenSize: 6, layers: 2, bidirectional: true,
                                 outputSize: 3, dropout: dropout)
        let net = try RecurrentNetwork<Double>(shape: shape, seed: 11)
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 32
        o.patience = nil
        o.learningRate = 0.01
        o.threads = threads
        let h = try Trainer(network: net, options: o).fit(train: data, validation: data)
        return (net.parameters.allValues, h.epochs.compactMap(\.validationLoss))
    }

    @Test("splitting each batch over threads gives the single-thread weights and losses", arguments: CellKind.allCases)
    func matchesSingleThread(cell: CellKind) throws {
        let data = try windows(count: 100)   // batches of 32, 32, 32 and 4 (too small to split)
        let one = try train(threads: 1, cell: cell, data: data)
        for threads in [2, 3] {
            let many = try train(threads: threads, cell: cell, data: data)
            let worst = zip(one.0, many.0).map { abs($0 - $1) / max(abs($0), 1e-3) }.max()!
            #expect(worst < 1e-10, "\(cell), \(threads) threads: weights differ by \(worst)")
            for (a, b) in zip(one.1, many.1) { #expect(abs(a - b) <= 1e-10 * abs(a)) }
        }
    }

    @Test("with dropout, a thread count gives the same run every time")
    func deterministicPerThreadCount() throws {
        let data = try windows(count: 64)
        let a = try train(threads: 2, cell: .lstm, dropout: 0.3, data: data)
        let b = try train(threads: 2, cell: .lstm, dropout: 0.3, data: data)
        #expect(a.0 == b.0)
    }

    @Test("a thread count outside 1...256 is refused")
    func validatesThreads() throws {
        var o = TrainingOptions()
        o.threads = 0
        #expect(throws: RecurrentError.self) { try o.validate() }
    }
}

@Suite("Interrupted training")
struct InterruptedTrainingTests {
    final class Counter: @unchecked Sendable {
        var calls = 0
        let stopAt: Int
        init(stopAt: Int) { self.stopAt = stopAt }
    }

    @Test("stopping at any batch and resuming gives the uninterrupted weights and history", arguments: [1, 7, 13, 24])
    func resumeEqualsUninterrupted(stopAfterBatch: Int) throws {
        let data = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 3)
        let validation = try sineWindows(count: 20, timesteps: 8, horizon: 2, seed: 4)
        let shape = NetworkShape(cell: .gru, inputSize: 1, hiddenSize: 6, layers: 2, outputSize: 2, dropout: 0.25)
        var o = TrainingOptions()
        o.epochs = 4
        o.batchSize = 16   // 6 batches per epoch
        o.patience = 2
        o.threads = 2
        let whole = try RecurrentNetwork<Float>(shape: shape, seed: 8)
        let expected = try Trainer(network: whole, options: o).fit(train: data, validation: validation)

        let first = try RecurrentNetwork<Float>(shape: shape, seed: 8)
        let trainer = Trainer(network: first, options: o)
        let counter = Counter(stopAt: stopAfterBatch)
        trainer.stopRequested = { counter.calls += 1; return counter.calls == counter.stopAt }
        #expect(throws: RecurrentError.self) { try trainer.fit(train: data, validation: validation) }
        let state = try #require(trainer.interruptedState)
        let encoded = try JSONEncoder().encode(state)
        let decoded = try JSONDecoder().decode(TrainingState.self, from: encoded)

        let second = try RecurrentNetwork<Float>(shape: shape, seed: 99)   // other weights: all come from the state
        let history = try Trainer(network: second, options: o).fit(train: data, validation: validation, resumingFrom: decoded)
        #expect(second.parameters.allValues == whole.parameters.allValues)
        #expect(history.epochs.map(\.trainLoss) == expected.epochs.map(\.trainLoss))
        #expect(history.bestEpoch == expected.bestEpoch)
    }
}
