import Foundation
import Recurrent
import Testing

/// The optimizer fixtures: consecutive full-batch Adam steps, each checked for the loss before the
/// step, the gradients, the parameters after it and Adam's two moments.
@Suite("Golden PyTorch optimizer steps")
struct AdamFixtureTests {
    @Test("the fixture folder holds optimizer cases")
    func folderIsNotEmpty() {
        #expect(!FixtureCatalog.cases(of: .optimizerSteps).isEmpty)
    }

    @Test("float32 Adam steps match PyTorch", arguments: FixtureCatalog.cases(of: .optimizerSteps))
    func float32(file: String) throws { try check(file, Float.self, tolerance: 1e-4) }

    @Test("float64 Adam steps match PyTorch", arguments: FixtureCatalog.cases(of: .optimizerSteps))
    func float64(file: String) throws { try check(file, Double.self, tolerance: 1e-9) }

    func check<S: RecurrentScalar>(_ file: String, _: S.Type, tolerance: Double) throws {
        let f = try FixtureCatalog.load(file)
        let opt = try #require(f.json["optimizer"] as? [String: Any])
        #expect(opt["name"] as? String == "Adam")
        let kind = OptimizerKind.adam(beta1: opt["beta1"] as? Double ?? 0.9, beta2: opt["beta2"] as? Double ?? 0.999,
                                      eps: opt["eps"] as? Double ?? 1e-8, weightDecay: opt["weight_decay"] as? Double ?? 0)
        let net = try f.network(S.self, params: "params_before")
        var optimizer = Optimizer(kind, learningRate: try #require(opt["lr"] as? Double), parameterCount: net.parameters.count)
        let x = try f.array("x").data.map { S($0) }, y = try f.array("y").data.map { S($0) }
        let batch = try f.int("batch"), timesteps = try f.int("timesteps")
        let steps = try #require(f.json["steps"] as? [[String: Any]])
        #expect(!steps.isEmpty)

        var worst = 0.0
        func expectClose(_ what: String, _ mine: [S], _ ref: [Double]) {
            let e = relativeError(mine, ref)
            worst = max(worst, e)
            #expect(e < tolerance, "\(file) [\(S.self)] \(what): relative error \(e)")
        }
        for step in steps {
            let n = step["step"] as? Int ?? 0
            let output = net.forward(x, batch: batch, timesteps: timesteps)
            let (loss, dOut) = Loss.mse.evaluate(predicted: output, target: y)
            let refLoss = try #require(step["loss_before_step"] as? Double)
            expectClose("step \(n) loss", [S(loss)], [refLoss])
            net.parameters.zeroGradients()
            net.backward(dOut)
            let grads = try #require(step["grads"] as? [String: Any])
            for slot in net.parameters.slots {
                expectClose("step \(n) grad \(slot.name)", net.parameters.gradient(slot.name)!,
                            try Fixture.array(grads[slot.name], slot.name).data)
            }
            net.parameters.updateValues { optimizer.update(values: $0, gradients: net.parameters.gradients) }
            let after = try #require(step["params_after"] as? [String: Any])
            let state = try #require(step["adam_state_after"] as? [String: Any])
            for slot in net.parameters.slots {
                expectClose("step \(n) param \(slot.name)", net.parameters.tensor(slot.name)!,
                            try Fixture.array(after[slot.name], slot.name).data)
                let moments = try #require(state[slot.name] as? [String: Any])
                let range = slot.offset..<slot.offset + slot.count
                expectClose("step \(n) exp_avg \(slot.name)", Array(optimizer.first[range]).map { S($0) },
                            try Fixture.array(moments["exp_avg"], "exp_avg").data)
                expectClose("step \(n) exp_avg_sq \(slot.name)", Array(optimizer.second[range]).map { S($0) },
                            try Fixture.array(moments["exp_avg_sq"], "exp_avg_sq").data)
            }
        }
        let finalLoss = Loss.mse.evaluate(predicted: net.forward(x, batch: batch, timesteps: timesteps), target: y).loss
        expectClose("loss after all steps", [S(finalLoss)], [try #require(f.json["loss_after_all_steps"] as? Double)])
        print("fixture \(file) [\(S.self)]: \(steps.count) Adam steps, worst relative error \(String(format: "%.3e", worst))")
    }
}
