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
