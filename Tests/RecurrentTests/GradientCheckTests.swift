import Recurrent
import Testing

/// Central finite differences in Double on shapes beyond the fixtures: every parameter and every
/// input element of networks up to three stacked bidirectional layers with a multi-step head.
@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    struct Case: Sendable, CustomStringConvertible {
        let cell: CellKind, input: Int, hidden: Int, layers: Int, bidirectional: Bool, output: Int
        let batch: Int, timesteps: Int, loss: Loss, dropout: Double
        var description: String {
            "\(cell) in\(input) h\(hidden) \(layers)x\(bidirectional ? "bi" : "uni") out\(output) b\(batch) t\(timesteps) \(loss.name) p\(dropout)"
        }
    }

    static let cases: [Case] = [
        Case(cell: .lstm, input: 3, hidden: 4, layers: 3, bidirectional: true, output: 6, batch: 3, timesteps: 5, loss: .mse, dropout: 0),
        Case(cell: .gru, input: 2, hidden: 5, layers: 3, bidirectional: true, output: 4, batch: 2, timesteps: 6, loss: .mse, dropout: 0),
        Case(cell: .rnn, input: 4, hidden: 3, layers: 3, bidirectional: true, output: 3, batch: 2, timesteps: 4, loss: .huber(delta: 0.3), dropout: 0),
        Case(cell: .lstm, input: 1, hidden: 6, layers: 2, bidirectional: false, output: 12, batch: 4, timesteps: 7, loss: .huber, dropout: 0),
        Case(cell: .gru, input: 3, hidden: 4, layers: 2, bidirectional: false, output: 2, batch: 3, timesteps: 1, loss: .mse, dropout: 0),
        Case(cell: .lstm, input: 2, hidden: 3, layers: 3, bidirectional: true, output: 2, batch: 3, timesteps: 4, loss: .mse, dropout: 0.3),
        Case(cell: .gru, input: 2, hidden: 3, layers: 2, bidirectional: false, output: 2, batch: 2, timesteps: 5, loss: .mse, dropout: 0.5),
        // A quantile head: 2 targets × 3 levels. Random outputs and targets are never tied, and
        // a ±1e-6 step is far too small to cross a kink of the pinball loss.
        Case(cell: .lstm, input: 2, hidden: 4, layers: 2, bidirectional: true, output: 6, batch: 3, timesteps: 4,
             loss: .quantile(levels: [0.1, 0.5, 0.9]), dropout: 0),
    ]

    /// The weight gradients are GEMMs over `weightGradientRows` rows at a time: 4 steps at batch 64,
    /// 8 at batch 32, so 9 steps end on a chunk of a single step in both directions. A step summed
    /// twice or left out would break the batch's gradient being the sum of its halves'.
    @Test("a batch's gradients are the sum of its halves', with weight gradients summed a few steps at a time",
          arguments: [CellKind.lstm, .gru, .rnn])
    func chunkedWeightGradients(cell: CellKind) throws {
        #expect(RecurrentNetwork<Double>.weightGradientRows == 256)
        let shape = NetworkShape(cell: cell, inputSize: 3, hiddenSize: 5, layers: 2, bidirectional: true, outputSize: 2)
        let net = try RecurrentNetwork<Double>(shape: shape, seed: 5)
        let B = 64, T = 9, perSample = T * shape.inputSize
        var generator = SeededGenerator(seed: 11)
        let x = (0..<B * perSample).map { _ in generator.uniform(bound: 1) }
        let dOut = (0..<B * shape.outputSize).map { _ in generator.uniform(bound: 1) }
        func gradients(_ samples: Range<Int>) -> ([Double], [Double]) {
            _ = net.forward(Array(x[samples.lowerBound * perSample..<samples.upperBound * perSample]),
                            batch: samples.count, timesteps: T)
            net.parameters.zeroGradients()
            net.backward(Array(dOut[samples.lowerBound * shape.outputSize..<samples.upperBound * shape.outputSize]),
                         inputGradient: true)
            return (net.parameters.allGradients, net.inputGradient())
        }
        let (whole, wholeX) = gradients(0..<B)
        let (first, firstX) = gradients(0..<B / 2)
        let (second, secondX) = gradients(B / 2..<B)
        let scale = whole.map(abs).max()!
        #expect(scale > 0.1)
        for (i, g) in whole.enumerated() {
            #expect(abs(g - (first[i] + second[i])) <= 1e-12 * scale, "parameter \(i)")
        }
        #expect(wholeX == firstX + secondX)
    }

    @Test("analytic gradients equal central differences", arguments: cases)
    func check(_ c: Case) throws {
        let shape = NetworkShape(cell: c.cell, inputSize: c.input, hiddenSize: c.hidden, layers: c.layers,
                                 bidirectional: c.bidirectional, outputSize: c.output, dropout: c.dropout)
        let net = try RecurrentNetwork<Double>(shape: shape, seed: 42)
        var generator = SeededGenerator(seed: 7)
        let x = (0..<c.batch * c.timesteps * c.input).map { _ in generator.uniform(bound: 1.5) }
        let y = (0..<c.batch * c.output / c.loss.outputsPerTarget).map { _ in generator.uniform(bound: 1) }
        // Dropout masks are redrawn every forward; re-seeding before each pass fixes the mask so
        // the loss is a smooth function of the parameters.
        func loss(_ input: [Double]) -> (Double, [Double]) {
            net.seedDropout(99)
            let out = net.forward(input, batch: c.batch, timesteps: c.timesteps, training: c.dropout > 0)
            return c.loss.evaluate(predicted: out, target: y)
        }
        let (_, dOut) = loss(x)
        net.parameters.zeroGradients()
        net.backward(dOut, inputGradient: true)
        let analytic = net.parameters.allGradients
        let analyticX = net.inputGradient()

        let h = 1e-6
        var numeric = [Double](repeating: 0, count: net.parameters.count)
        for i in 0..<net.parameters.count {
            let saved = net.parameters.values[i]
            net.parameters.updateValues { $0[i] = saved + h }
            let up = loss(x).0
            net.parameters.updateValues { $0[i] = saved - h }
            let down = loss(x).0
            net.parameters.updateValues { $0[i] = saved }
            numeric[i] = (up - down) / (2 * h)
        }
        var numericX = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            numericX[i] = (loss(xp).0 - loss(xm).0) / (2 * h)
        }
        for slot in net.parameters.slots {
            let range = slot.offset..<slot.offset + slot.count
            let e = relativeError(Array(analytic[range]), Array(numeric[range]))
            #expect(e < 1e-6, "\(c) \(slot.name): relative error \(e)")
        }
        let ex = relativeError(analyticX, numericX)
        #expect(ex < 1e-6, "\(c) input gradient: relative error \(ex)")
    }
}
