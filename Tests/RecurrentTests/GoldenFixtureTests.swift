import Foundation
import Recurrent
import Testing

/// Every forward/backward case in the fixture folder, checked tensor by tensor against PyTorch's
/// float64 values: head output, loss, RNN output sequence, h_n, c_n, head input, the gradient of
/// every parameter and of the input. Float32 must agree to 1e-4 relative, Double to 1e-9.
@Suite("Golden PyTorch fixtures")
struct GoldenFixtureTests {
    @Test("the fixture folder holds cases")
    func folderIsNotEmpty() {
        #expect(!FixtureCatalog.cases(of: .forwardBackward).isEmpty,
                "no forward/backward fixtures found in \(FixtureCatalog.directory.path)")
    }

    @Test("float32 forward and backward match PyTorch", arguments: FixtureCatalog.cases(of: .forwardBackward))
    func float32(file: String) throws {
        try check(file, Float.self, tolerance: 1e-4)
    }

    @Test("float64 forward and backward match PyTorch", arguments: FixtureCatalog.cases(of: .forwardBackward))
    func float64(file: String) throws {
        try check(file, Double.self, tolerance: 1e-9)
    }

    func check<S: RecurrentScalar>(_ file: String, _ type: S.Type, tolerance: Double) throws {
        let f = try FixtureCatalog.load(file)
        let net = try f.network(S.self, params: "params")
        let x = try f.array("x"), y = try f.array("y")
        let batch = try f.int("batch"), timesteps = try f.int("timesteps")
        #expect(x.shape == [batch, timesteps, net.shape.inputSize])

        let output = net.forward(x.data.map { S($0) }, batch: batch, timesteps: timesteps)
        let (loss, dOutput) = Loss.mse.evaluate(predicted: output, target: y.data.map { S($0) })
        net.parameters.zeroGradients()
        net.backward(dOutput, inputGradient: true)

        var errors: [(String, Double)] = []
        func compare(_ what: String, _ mine: [S], _ key: String) throws {
            let ref = try f.array(key)
            #expect(mine.count == ref.data.count, "\(file) \(what): size \(mine.count) vs \(ref.data.count)")
            guard mine.count == ref.data.count else { return }
            errors.append((what, relativeError(mine, ref.data)))
        }
        try compare("output", output, "output")
        let refLoss = try #require(f.json["loss"] as? Double)
        errors.append(("loss", abs(loss - refLoss) / max(abs(refLoss), 1e-12)))
        try compare("rnn_output", net.outputSequence(), "rnn_output")
        try compare("h_n", net.finalHiddenStates(), "h_n")
        if f.json["c_n"] != nil {
            try compare("c_n", try #require(net.finalCellStates()), "c_n")
        }
        try compare("head_input", net.headInput(), "head_input")
        let grads = try #require(f.json["grads"] as? [String: Any])
        #expect(Set(grads.keys) == Set(net.parameters.slots.map(\.name)))
        for slot in net.parameters.slots {
            let ref = try Fixture.array(grads[slot.name], "\(file): grads.\(slot.name)")
            #expect(ref.shape == slot.shape, "\(slot.name) gradient shape")
            errors.append(("grad \(slot.name)", relativeError(net.parameters.gradient(slot.name)!, ref.data)))
        }
        try compare("grad_x", net.inputGradient(), "grad_x")

        let worst = errors.max { $0.1 < $1.1 }!
        print("fixture \(file) [\(S.self)]: worst relative error \(String(format: "%.3e", worst.1)) (\(worst.0)) over \(errors.count) tensors")
        for (what, error) in errors {
            #expect(error < tolerance, "\(file) [\(S.self)] \(what): relative error \(error)")
        }
    }
}
