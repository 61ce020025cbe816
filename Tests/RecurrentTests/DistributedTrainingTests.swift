import Foundation
import Recurrent
import TestSupport
import Testing

/// Data-parallel training over ranks, with ranks as threads (`ThreadCollective`); the MPI
/// transport itself is tested end to end in CLITests/DistributedCLITests.
@Suite("Distributed training")
struct DistributedTrainingTests {
    static let shape = NetworkShape(cell: .lstm, inputSize: 1, hiddenSize: 6, layers: 2, outputSize: 2, dropout: 0.25)

    static func options(threads: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 3
        o.batchSize = 32   // 90 windows: batches of 32, 32 and 26; the last is split only over 2 slots
        o.patience = nil
        o.learningRate = 0.01
        o.threads = threads
        return o
    }

    struct Run: Sendable {
        let weights: [Float]
        let history: TrainingHistory
    }

    static func train(threads: Int, collective: Collective? = nil, data: SampleSet<Float>, validation: SampleSet<Float>) throws -> Run {
        let net = try RecurrentNetwork<Float>(shape: shape, seed: 5)
        let trainer = Trainer(network: net, options: options(threads: threads))
        trainer.collective = collective
        let history = try trainer.fit(train: data, validation: validation)
        return Run(weights: net.parameters.allValues, history: history)
    }

    @Test("2 ranks × 1 thread give the weights and losses of 1 process × 2 threads, bit for bit, dropout included")
    func twoRanksMatchTwoThreads() throws {
        let data = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 3)
        let validation = try sineWindows(count: 20, timesteps: 8, horizon: 2, seed: 4)
        let single = try Self.train(threads: 2, data: data, validation: validation)
        let ranks = ThreadCollective.run(ranks: 2) { c in try Self.train(threads: 1, collective: c, data: data, validation: validation) }
        for r in ranks {
            let run = try r.get()
            #expect(run.weights == single.weights)
            #expect(run.history.epochs.map(\.trainLoss) == single.history.epochs.map(\.trainLoss))
            #expect(run.history.epochs.map(\.validationLoss) == single.history.epochs.map(\.validationLoss))
        }
    }

    @Test("2 ranks × 2 threads match 1 process × 4 threads within float rounding")
    func ranksTimesThreads() throws {
        let data = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 3)
        let validation = try sineWindows(count: 20, timesteps: 8, horizon: 2, seed: 4)
        let single = try Self.train(threads: 4, data: data, validation: validation)
        for r in ThreadCollective.run(ranks: 2, { c in try Self.train(threads: 2, collective: c, data: data, validation: validation) }) {
            let run = try r.get()
            let worst = zip(run.weights, single.weights).map { abs($0 - $1) / max(abs($1), 1e-3) }.max()!
            #expect(worst < 1e-5, "weights differ by \(worst)")
        }
    }

    @Test("a rank with other data makes every rank fail before any step; rank 0 says why")
    func otherDataIsRefused() throws {
        let data = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 3)
        let other = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 9)
        let results = ThreadCollective.run(ranks: 2) { c in
            try Self.train(threads: 1, collective: c, data: c.rank == 0 ? data : other, validation: data)
        }
        #expect(throws: DistributedError.self) { try results[0].get() }
        if case .failure(let e) = results[0] { #expect("\(e)".contains("rank 1 has other training or validation windows than rank 0")) }
        #expect(throws: DistributedError.peerFailed(rank: 0)) { try results[1].get() }
    }

    @Test("a failure on one rank is thrown on every rank: its own error there, peerFailed elsewhere")
    func failuresAreShared() throws {
        struct Boom: Error {}
        let results = ThreadCollective.run(ranks: 3) { c in
            try c.together { if c.rank >= 1 { throw Boom() } }
        }
        #expect(throws: DistributedError.peerFailed(rank: 1)) { try results[0].get() }
        #expect(throws: Boom.self) { try results[1].get() }
        #expect(throws: DistributedError.peerFailed(rank: 1)) { try results[2].get() }
    }

    @Test("stopping on one rank stops all at the same batch; resuming on 2 ranks gives the uninterrupted weights")
    func interruptAndResume() throws {
        let data = try sineWindows(count: 90, timesteps: 8, horizon: 2, seed: 3)
        let validation = try sineWindows(count: 20, timesteps: 8, horizon: 2, seed: 4)
        let whole = try Self.train(threads: 2, data: data, validation: validation)
        let stopped = ThreadCollective.run(ranks: 2) { c -> TrainingState? in
            let net = try RecurrentNetwork<Float>(shape: Self.shape, seed: 5)
            let trainer = Trainer(network: net, options: Self.options(threads: 1))
            trainer.collective = c
            let calls = Counter()
            trainer.stopRequested = { calls.value += 1; return c.rank == 1 && calls.value == 4 }
            do {
                _ = try trainer.fit(train: data, validation: validation)
                return nil
            } catch RecurrentError.interrupted(let epoch, let batch) {
                #expect(epoch == 2 && batch == 1)
                return trainer.interruptedState
            }
        }
        let states = try stopped.map { try #require(try $0.get()) }
        // Identical but for the epochs' wall-clock seconds.
        #expect(states[0].values == states[1].values)
        #expect(states[0].optimizerSecond == states[1].optimizerSecond)
        #expect(states[0].order == states[1].order && states[0].nextWindow == states[1].nextWindow)
        #expect(states[0].dropout == states[1].dropout && states[0].dropout.count == 2)
        let resumed = ThreadCollective.run(ranks: 2) { c -> [Float] in
            let net = try RecurrentNetwork<Float>(shape: Self.shape, seed: 77)
            let trainer = Trainer(network: net, options: Self.options(threads: 1))
            trainer.collective = c
            _ = try trainer.fit(train: data, validation: validation, resumingFrom: states[0])
            return net.parameters.allValues
        }
        for r in resumed { #expect(try r.get() == whole.weights) }
    }
}

private final class Counter: @unchecked Sendable {
    var value = 0
}
