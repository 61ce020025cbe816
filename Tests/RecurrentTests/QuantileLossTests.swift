import Foundation
import Recurrent
import Testing

/// ExtraFixtures/quantile_*.json, made by Tests/tools/gen_quantile_fixtures.py.
private func quantileFixtureURL(_ name: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("ExtraFixtures/\(name)")
}

@Suite("Quantile (pinball) loss")
struct QuantileLossTests {
    @Test("pinball loss and gradient match PyTorch autograd, ties included, in Double and Float")
    func matchesPyTorch() throws {
        let f = try Fixture(url: quantileFixtureURL("quantile_loss.json"))
        let y = try f.array("target").data
        let cases = try #require(f.json["cases"] as? [[String: Any]])
        #expect(cases.count == 2)
        for c in cases {
            let levels = try #require(c["levels"] as? [Double])
            let p = try Fixture.array(c["predicted"], "predicted"), grad = try Fixture.array(c["grad"], "grad")
            #expect(p.shape == [y.count, levels.count])
            let refLoss = try #require(c["loss"] as? Double)
            let loss = Loss.quantile(levels: levels)
            #expect(loss.outputsPerTarget == levels.count)
            let (value, g) = loss.evaluate(predicted: p.data, target: y)
            #expect(abs(value - refLoss) <= 1e-14 * refLoss, "\(levels) value \(value) vs \(refLoss)")
            #expect(relativeError(g, grad.data) < 1e-14, "\(levels) gradient")
            // The fixture's values are binary fractions: Float holds them exactly, ties stay ties.
            let (value32, g32) = loss.evaluate(predicted: p.data.map { Float($0) }, target: y.map { Float($0) })
            #expect(abs(value32 - refLoss) <= 1e-6 * refLoss)
            #expect(relativeError(g32, grad.data) < 1e-6, "\(levels) Float gradient")
        }
    }

    @Test("at a tie the gradient is (½ − τ)/N, PyTorch's even split of max between equal arguments")
    func tieGradient() {
        let levels = [0.1, 0.5, 0.9]
        let (value, g) = Loss.quantile(levels: levels).evaluate(predicted: [2.0, 2, 2], target: [2.0])
        #expect(value == 0)
        #expect(g == levels.map { (0.5 - $0) / 3 })
    }

    @Test("pinball gradient equals central differences away from ties")
    func finiteDifferences() {
        let loss = Loss.quantile(levels: [0.05, 0.3, 0.5, 0.8, 0.95])
        var generator = SeededGenerator(seed: 21)
        let n = 7, Q = loss.outputsPerTarget
        let y = (0..<n).map { _ in generator.uniform(bound: 2) }
        var p = (0..<n * Q).map { _ in generator.uniform(bound: 2) }
        // Keep every |y − ŷ| above 1e-3, far beyond the step: the loss is linear between kinks.
        for i in p.indices where abs(p[i] - y[i / Q]) < 1e-3 { p[i] += 0.01 }
        let (_, analytic) = loss.evaluate(predicted: p, target: y)
        let h = 1e-6
        let numeric = p.indices.map { i in
            var up = p, down = p
            up[i] += h
            down[i] -= h
            return (loss.evaluate(predicted: up, target: y).loss - loss.evaluate(predicted: down, target: y).loss) / (2 * h)
        }
        #expect(relativeError(analytic, numeric) < 1e-8)
    }

    @Test("an LSTM with a multi-quantile head matches PyTorch forward and backward in float32")
    func lstmFixtureFloat() throws { try checkLSTMFixture(Float.self, tolerance: 1e-4) }

    @Test("an LSTM with a multi-quantile head matches PyTorch forward and backward in float64")
    func lstmFixtureDouble() throws { try checkLSTMFixture(Double.self, tolerance: 1e-9) }

    /// Output, loss, every parameter gradient and the input gradient against quantile_lstm.json:
    /// a 2-layer LSTM whose head emits horizon 2 × 2 targets × 3 levels.
    func checkLSTMFixture<S: RecurrentScalar>(_: S.Type, tolerance: Double) throws {
        let f = try Fixture(url: quantileFixtureURL("quantile_lstm.json"))
        let name = try #require(f.json["loss_name"] as? String)
        let loss = try #require(Loss(name: name))
        let levels = try #require(f.config["quantiles"] as? [Double])
        #expect(loss == .quantile(levels: levels))
        let net = try f.network(S.self, params: "params")
        let batch = try f.int("batch"), timesteps = try f.int("timesteps")
        let targets = try f.int("horizon") * f.int("target_dim")
        #expect(net.shape.outputSize == targets * loss.outputsPerTarget)
        let x = try f.array("x"), y = try f.array("y")
        #expect(y.shape == [batch, targets])

        let output = net.forward(x.data.map { S($0) }, batch: batch, timesteps: timesteps)
        let (value, dOutput) = loss.evaluate(predicted: output, target: y.data.map { S($0) })
        net.parameters.zeroGradients()
        net.backward(dOutput, inputGradient: true)

        var errors = [("output", relativeError(output, try f.array("output").data))]
        let refLoss = try #require(f.json["loss"] as? Double)
        errors.append(("loss", abs(value - refLoss) / refLoss))
        let grads = try #require(f.json["grads"] as? [String: Any])
        #expect(Set(grads.keys) == Set(net.parameters.slots.map(\.name)))
        for slot in net.parameters.slots {
            let ref = try Fixture.array(grads[slot.name], "grads.\(slot.name)")
            errors.append(("grad \(slot.name)", relativeError(net.parameters.gradient(slot.name)!, ref.data)))
        }
        errors.append(("grad_x", relativeError(net.inputGradient(), try f.array("grad_x").data)))
        let worst = errors.max { $0.1 < $1.1 }!
        print("quantile_lstm.json [\(S.self)]: worst relative error \(String(format: "%.3e", worst.1)) (\(worst.0))")
        for (what, error) in errors {
            #expect(error < tolerance, "[\(S.self)] \(what): relative error \(error)")
        }
    }

    @Test("names parse to levels; levels outside (0, 1), unsorted or repeated are refused")
    func parsing() throws {
        #expect(Loss(name: "quantile") == .quantile(levels: [0.1, 0.5, 0.9]))
        #expect(Loss(name: "Quantile:0.05,0.5,0.95") == .quantile(levels: [0.05, 0.5, 0.95]))
        #expect(Loss(name: "quantile:0.25, 0.75") == .quantile(levels: [0.25, 0.75]))
        #expect(Loss(name: "quantile:0.5") == .quantile(levels: [0.5]))
        #expect(Loss(name: "quantile")?.name == "quantile")
        #expect(Loss(name: "quantile")?.outputsPerTarget == 3)
        #expect(Loss.mse.outputsPerTarget == 1 && Loss.huber.outputsPerTarget == 1 && Loss.mae.outputsPerTarget == 1)
        for bad in ["quantile:0,0.5", "quantile:0.5,1", "quantile:-0.1,0.5", "quantile:0.9,0.1", "quantile:0.1,0.5,0.5",
                    "quantile:", "quantile:0.1,,0.9", "quantile:0.1,", "quantile:abc", "quantile:nan", "quantiles", "quantile0.5"] {
            #expect(Loss(name: bad) == nil, "\(bad)")
        }
        #expect(throws: RecurrentError.invalidData("quantile levels must lie strictly between 0 and 1, got 1.0 in [0.5, 1.0]")) {
            try Loss.quantile(levels: [0.5, 1]).validate()
        }
        #expect(throws: RecurrentError.invalidData("quantile levels must be ascending and distinct, got [0.9, 0.1]")) {
            try Loss.quantile(levels: [0.9, 0.1]).validate()
        }
        #expect(throws: RecurrentError.invalidData("quantile levels must be ascending and distinct, got [0.2, 0.2]")) {
            try Loss.quantile(levels: [0.2, 0.2]).validate()
        }
        #expect(throws: RecurrentError.invalidData("the quantile loss needs at least one level")) {
            try Loss.quantile(levels: []).validate()
        }
        var options = TrainingOptions()
        options.loss = .quantile(levels: [0, 0.5])
        #expect(throws: RecurrentError.self) { try options.validate() }
        options.loss = .quantile(levels: [0.1, 0.9])
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(options))
        #expect(decoded.loss == .quantile(levels: [0.1, 0.9]))
    }

    @Test("sortQuantiles orders each target's outputs, never raises the pinball loss, and leaves other losses' outputs alone")
    func sorting() {
        var p: [Float] = [3, 1, 2, 0, 5, 4]
        Loss.quantile(levels: [0.1, 0.5, 0.9]).sortQuantiles(&p)
        #expect(p == [1, 2, 3, 0, 4, 5])
        var q: [Float] = [3, 1, 2]
        Loss.mse.sortQuantiles(&q)
        #expect(q == [3, 1, 2])
        let loss = Loss.quantile(levels: [0.1, 0.3, 0.5, 0.9])
        var g = SeededGenerator(seed: 8)
        for _ in 0..<200 {
            let y = [g.uniform(bound: 1)]
            var raw = (0..<4).map { _ in g.uniform(bound: 1) }
            let before = loss.evaluate(predicted: raw, target: y).loss
            loss.sortQuantiles(&raw)
            #expect(loss.evaluate(predicted: raw, target: y).loss <= before + 1e-15)
        }
    }
}

@Suite("Training with a quantile head")
struct QuantileTrainingTests {
    /// y = x + ε with x uniform in [−1, 1) and ε uniform in [−½, ½): the τ-quantile of y given x
    /// is x − ½ + τ, so the 0.1 and 0.9 outputs should each leave 10% of new points outside.
    static func noisyIdentity(count: Int, seed: UInt64) throws -> SampleSet<Float> {
        var g = SeededGenerator(seed: seed)
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<count {
            let v = g.uniform(bound: 1)
            x.append(Float(v))
            y.append(Float(v + g.uniform(bound: 0.5)))
        }
        return try SampleSet(inputs: x, targets: y, count: count, timesteps: 1, inputSize: 1, outputSize: 1)
    }

    static func options(epochs: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = 32
        o.learningRate = 0.01
        o.loss = .quantile(levels: [0.1, 0.5, 0.9])
        o.patience = nil
        o.seed = 4
        return o
    }

    @Test("a network whose output is not targets × levels is refused, naming the sizes")
    func sizeMismatch() throws {
        let data = try Self.noisyIdentity(count: 8, seed: 1)
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .gru, inputSize: 1, hiddenSize: 3, outputSize: 1), seed: 1)
        #expect(throws: RecurrentError.invalidData("windows have 1 inputs and 1 target values; the quantile loss with 3 levels needs a network with 1 inputs and 1 × 3 = 3 outputs, this one has 1 and 1")) {
            try Trainer(network: net, options: Self.options(epochs: 1)).fit(train: data)
        }
        // And the other way: a three-output network with the MSE loss.
        let wide = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .gru, inputSize: 1, hiddenSize: 3, outputSize: 3), seed: 1)
        var mse = Self.options(epochs: 1)
        mse.loss = .mse
        #expect(throws: RecurrentError.self) { try Trainer(network: wide, options: mse).fit(train: data) }
    }

    @Test("the 0.1 / 0.5 / 0.9 outputs learn y = x + uniform noise: empirical coverage near 10%, 50%, 90%")
    func coverage() throws {
        let train = try Self.noisyIdentity(count: 1024, seed: 2)
        let test = try Self.noisyIdentity(count: 4000, seed: 3)
        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .lstm, inputSize: 1, hiddenSize: 8, outputSize: 3), seed: 5)
        // Large batches: the pinball gradient is ±τ whatever the error's size, so small batches
        // leave the 0.1 and 0.9 outputs jittering by several hundredths (coverage off by as much).
        var o = Self.options(epochs: 100)   // 800 steps, a few tenths of a second
        o.batchSize = 128
        let trainer = Trainer(network: net, options: o)
        let history = try trainer.fit(train: train)
        #expect(history.epochs.last!.trainLoss < history.epochs.first!.trainLoss)
        var out = net.predict(test.inputs, count: test.count, timesteps: 1)
        o.loss.sortQuantiles(&out)
        var below = [0, 0, 0]
        for i in 0..<test.count {
            for q in 0..<3 where test.targets[i] < out[i * 3 + q] { below[q] += 1 }
        }
        let coverage = below.map { Double($0) / Double(test.count) }
        print("quantile coverage \(coverage) after \(history.epochs.count) epochs")
        #expect(abs(coverage[0] - 0.1) < 0.04, "\(coverage)")
        #expect(abs(coverage[1] - 0.5) < 0.06, "\(coverage)")
        #expect(abs(coverage[2] - 0.9) < 0.04, "\(coverage)")
        // The 80% interval is about 0.8 wide on average (the noise's 10%–90% range).
        let widths = (0..<test.count).map { Double(out[$0 * 3 + 2] - out[$0 * 3]) }
        let meanWidth = widths.reduce(0, +) / Double(widths.count)
        #expect(abs(meanWidth - 0.8) < 0.12, "mean width \(meanWidth)")
    }

    @Test("validation loss and early stopping use the pinball loss")
    func validationUsesPinball() throws {
        let train = try Self.noisyIdentity(count: 128, seed: 6)
        let validation = try Self.noisyIdentity(count: 64, seed: 7)
        let net = try RecurrentNetwork<Double>(shape: NetworkShape(cell: .gru, inputSize: 1, hiddenSize: 4, outputSize: 3), seed: 2)
        var o = Self.options(epochs: 200)
        o.patience = 3
        o.minDelta = 1e-3
        let trainer = Trainer(network: net, options: o)
        let double = { (s: SampleSet<Float>) in
            try SampleSet<Double>(inputs: s.inputs.map(Double.init), targets: s.targets.map(Double.init), count: s.count,
                                  timesteps: 1, inputSize: 1, outputSize: 1)
        }
        let v = try double(validation)
        let history = try trainer.fit(train: try double(train), validation: v)
        #expect(history.stoppedEarly)
        let losses = history.epochs.compactMap(\.validationLoss)
        #expect(losses.count == history.epochs.count)
        #expect(history.bestLoss == losses[history.bestEpoch - 1])
        // The restored weights give the best validation loss, and it is the pinball loss of
        // their predictions.
        let pinball = o.loss.evaluate(predicted: net.predict(v.inputs, count: v.count, timesteps: 1), target: v.targets).loss
        #expect(abs(trainer.evaluate(v) - history.bestLoss) <= 1e-12 * history.bestLoss)
        #expect(abs(pinball - history.bestLoss) <= 1e-12 * history.bestLoss)
    }
}
