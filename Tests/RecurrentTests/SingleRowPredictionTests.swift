import Recurrent
import Testing

/// Batch-1 prediction takes its own paths (single-row products; for hidden ≥ 256 on two cores,
/// LSTM steps split by hidden unit on packed panels, or, for 264 units, which do not split into
/// panels of 16, products split by row): a window predicted alone must give what it gives inside
/// a batch, which runs the batched kernels, to float rounding.
@Suite("Batch-1 prediction")
struct SingleRowPredictionTests {
    @Test("a window alone equals the same window in a batch of 3",
          arguments: [(CellKind.lstm, 256, false), (.lstm, 256, true), (.lstm, 264, false), (.lstm, 40, false), (.gru, 256, true)])
    func aloneEqualsBatched(cell: CellKind, hidden: Int, bidirectional: Bool) throws {
        let shape = NetworkShape(cell: cell, inputSize: 3, hiddenSize: hidden, layers: 2, bidirectional: bidirectional,
                                 outputSize: 2)
        let net = try RecurrentNetwork<Float>(shape: shape, seed: 11)
        let T = 9, window = T * shape.inputSize
        var g = SeededGenerator(seed: 4)
        let inputs = (0..<3 * window).map { _ in Float(g.uniform(bound: 1)) }
        let batched = net.predict(inputs, count: 3, timesteps: T, batchSize: 3)
        for w in 0..<3 {
            let alone = net.predict(Array(inputs[w * window..<(w + 1) * window]), count: 1, timesteps: T)
            for o in 0..<2 {
                let b = batched[w * 2 + o]
                #expect(abs(alone[o] - b) <= 1e-5 * max(1, abs(b)), "window \(w) output \(o): \(alone[o]) vs \(b)")
            }
        }
    }

    /// LSTM steps with 256 units keep W_ih and W_hh packed from one batch-1 call to the next.
    @Test("a window alone after the weights change gives what a network that never saw the old weights gives",
          arguments: ["setTensor W_hh", "allValues", "updateValues W_ih", "updateValues bias"])
    func packedWeightsFollowChanges(change: String) throws {
        let shape = NetworkShape(cell: .lstm, inputSize: 3, hiddenSize: 256, layers: 2, outputSize: 2)
        let net = try RecurrentNetwork<Float>(shape: shape, seed: 5)
        let T = 5
        var g = SeededGenerator(seed: 6)
        let window = (0..<T * shape.inputSize).map { _ in Float(g.uniform(bound: 1)) }
        let before = net.predict(window, count: 1, timesteps: T)
        #expect(net.predict(window, count: 1, timesteps: T).map(\.bitPattern) == before.map(\.bitPattern))

        let generation = net.parameters.generation
        let slot = { (name: String) in try #require(net.parameters.slot(named: name)) }
        switch change {
        case "setTensor W_hh":
            let w = try slot("rnn.weight_hh_l0")
            try net.parameters.setTensor(w.name, shape: w.shape, values: net.parameters.tensor(w.name)!.map { $0 * 0.5 })
        case "allValues":
            let w = try slot("rnn.weight_hh_l1")
            var all = net.parameters.allValues
            for i in w.offset..<w.offset + w.count { all[i] = -all[i] }
            net.parameters.allValues = all
        case "updateValues W_ih":
            let w = try slot("rnn.weight_ih_l0")
            net.parameters.updateValues { $0[w.offset + 4] += 0.5 }
        default:
            let b = try slot("rnn.bias_hh_l1")
            net.parameters.updateValues { $0[b.offset + 3] += 0.5 }
        }
        #expect(net.parameters.generation != generation)

        let fresh = try RecurrentNetwork<Float>(shape: shape, seed: 0)
        fresh.parameters.allValues = net.parameters.allValues
        let after = net.predict(window, count: 1, timesteps: T)
        #expect(after.map(\.bitPattern) == fresh.predict(window, count: 1, timesteps: T).map(\.bitPattern))
        #expect(after != before)
    }

    @Test("batches spread over threads give the one-thread result bit for bit, a last short batch included",
          arguments: [2, 3, 8])
    func threadsDoNotChangeResults(threads: Int) throws {
        let shape = NetworkShape(cell: .lstm, inputSize: 2, hiddenSize: 24, layers: 2, outputSize: 3)
        let net = try RecurrentNetwork<Float>(shape: shape, seed: 3)
        let T = 6, count = 23
        var g = SeededGenerator(seed: 8)
        let inputs = (0..<count * T * 2).map { _ in Float(g.uniform(bound: 1)) }
        let one = net.predict(inputs, count: count, timesteps: T, batchSize: 5)
        let many = net.predict(inputs, count: count, timesteps: T, batchSize: 5, threads: threads)
        #expect(many.map(\.bitPattern) == one.map(\.bitPattern))
        #expect(one.allSatisfy(\.isFinite) && Set(one).count > count)
    }
}
