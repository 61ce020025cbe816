import Foundation
import Recurrent
import Testing

private func extraFixture(_ name: String) throws -> [String: Any] {
    let url = Bundle.module.resourceURL!.appendingPathComponent("ExtraFixtures/\(name)")
    return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

/// Five steps of each `torch.optim` rule on fixed gradients (ExtraFixtures/optimizers.json,
/// made by Tests/tools/gen_extra_fixtures.py).
@Suite("Optimizers against torch.optim")
struct OptimizerRuleTests {
    static func kind(_ name: String, _ d: [String: Any]) -> OptimizerKind? {
        let wd = d["weight_decay"] as? Double ?? 0
        switch name {
        case let n where n.hasPrefix("sgd"):
            return .sgd(momentum: d["momentum"] as? Double ?? 0, dampening: d["dampening"] as? Double ?? 0,
                        nesterov: d["nesterov"] as? Bool ?? false, weightDecay: wd)
        case let n where n.hasPrefix("rmsprop"):
            return .rmsprop(alpha: d["alpha"] as? Double ?? 0.99, eps: d["eps"] as? Double ?? 1e-8,
                            momentum: d["momentum"] as? Double ?? 0, weightDecay: wd)
        case let n where n.hasPrefix("adagrad"):
            return .adagrad(lrDecay: d["lr_decay"] as? Double ?? 0, eps: d["eps"] as? Double ?? 1e-10, weightDecay: wd)
        case let n where n.hasPrefix("adamw"):
            let betas = d["betas"] as? [Double] ?? [0.9, 0.999]
            return .adamw(beta1: betas[0], beta2: betas[1], eps: d["eps"] as? Double ?? 1e-8, weightDecay: wd)
        case let n where n.hasPrefix("adam"):
            let betas = d["betas"] as? [Double] ?? [0.9, 0.999]
            return .adam(beta1: betas[0], beta2: betas[1], eps: d["eps"] as? Double ?? 1e-8, weightDecay: wd)
        default: return nil
        }
    }

    @Test("every optimizer rule matches PyTorch step by step")
    func rules() throws {
        let f = try extraFixture("optimizers.json")
        let start = try #require(f["start"] as? [Double])
        let grads = try #require(f["grads"] as? [[Double]])
        let cases = try #require(f["cases"] as? [[String: Any]])
        #expect(cases.count == 10)
        for c in cases {
            let name = try #require(c["name"] as? String)
            let defaults = try #require(c["defaults"] as? [String: Any])
            let kind = try #require(Self.kind(name, defaults), "unknown optimizer \(name)")
            let after = try #require(c["after"] as? [[Double]])
            var values = start
            var optimizer = Optimizer(kind, learningRate: try #require(defaults["lr"] as? Double), parameterCount: values.count)
            for (step, g) in grads.enumerated() {
                values.withUnsafeMutableBufferPointer { v in
                    g.withUnsafeBufferPointer { optimizer.update(values: v.baseAddress!, gradients: $0.baseAddress!) }
                }
                let error = relativeError(values, after[step])
                #expect(error < 1e-12, "\(name) step \(step + 1): relative error \(error)")
            }
        }
    }

    @Test("Adam and AdamW on Float give the same bits whether their loop runs whole or in two parts",
          arguments: [OptimizerKind.adam(), .adamw()])
    func splitAdamMatchesWhole(kind: OptimizerKind) {
        let n = 10_001
        var g = SeededGenerator(seed: 3)
        let start = (0..<n).map { _ in Float(g.uniform(bound: 1)) }
        let grads = (0..<3).map { _ in (0..<n).map { _ in Float(g.uniform(bound: 0.1)) } }
        var whole = start, split = start
        var a = Optimizer(kind, learningRate: 1e-3, parameterCount: n), b = a
        var partsRun: [Int] = []
        for gradient in grads {
            whole.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer { a.update(values: v.baseAddress!, gradients: $0.baseAddress!) }
            }
            split.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer {
                    // Last part first: a part that touched the other's range would show.
                    b.update(values: v.baseAddress!, gradients: $0.baseAddress!) { parts, work in
                        for part in (0..<parts).reversed() { partsRun.append(part); work(part) }
                    }
                }
            }
        }
        #expect(partsRun == [1, 0, 1, 0, 1, 0])
        #expect(whole.map(\.bitPattern) == split.map(\.bitPattern))
        #expect(a.first == b.first && a.second == b.second)
        #expect(whole != start)
    }

    @Test("optimizer names parse to PyTorch defaults")
    func names() {
        #expect(OptimizerKind(name: "adam") == .adam(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0))
        #expect(OptimizerKind(name: "AdamW") == .adamw(weightDecay: 0.01))
        #expect(OptimizerKind(name: "nesterov") == .sgd(momentum: 0.9, nesterov: true))
        #expect(OptimizerKind(name: "lbfgs") == nil)
    }
}

@Suite("Losses against torch.nn")
struct LossTests {
    @Test("MSE, L1 and Huber values and gradients match PyTorch")
    func losses() throws {
        let f = try extraFixture("losses.json")
        let p = try #require(f["predicted"] as? [Double]), y = try #require(f["target"] as? [Double])
        let cases = try #require(f["losses"] as? [String: [String: Any]])
        #expect(cases.count == 4)
        for (name, ref) in cases {
            let loss = try #require(Loss(name: name), "unknown loss \(name)")
            let (value, grad) = loss.evaluate(predicted: p, target: y)
            #expect(abs(value - (ref["loss"] as! Double)) < 1e-14, "\(name) value")
            #expect(relativeError(grad, ref["grad"] as! [Double]) < 1e-14, "\(name) gradient")
        }
    }

    @Test("bad loss names are rejected")
    func names() {
        #expect(Loss(name: "huber:-1") == nil)
        #expect(Loss(name: "cross-entropy") == nil)
        #expect(Loss(name: "huber:0.5") == .huber(delta: 0.5))
    }
}

@Suite("Gradient clipping")
struct ClippingTests {
    @Test("the Float norm over a long vector is the exact one, and a NaN or infinity anywhere makes it non-finite")
    func floatNorm() {
        let n = 1_003
        var g = SeededGenerator(seed: 9)
        var x = (0..<n).map { _ in Float(g.uniform(bound: 2)) }
        let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let norm = x.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: n, maxNorm: nil) }
        #expect(abs(norm - exact) <= 1e-13 * exact)
        for bad in [Float.nan, .infinity] {
            for index in [0, 500, n - 1] {
                var y = x
                y[index] = bad
                let norm = y.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: n, maxNorm: 1) }
                #expect(!norm.isFinite, "\(bad) at \(index)")
                #expect(y[(index + 1) % n] == x[(index + 1) % n], "a non-finite norm must not scale")
            }
        }
        let scaled = x.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: n, maxNorm: 1) }
        let after = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(scaled - exact) <= 1e-13 * exact && abs(after - 1) < 1e-5)
    }

    @Test("clip_grad_norm_ scales to the threshold and reports the norm")
    func clip() {
        var g: [Double] = [3, 4]
        let norm = g.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: 2, maxNorm: 1) }
        #expect(norm == 5)
        #expect(abs(g[0] - 3 / (5 + 1e-6)) < 1e-15 && abs(g[1] - 4 / (5 + 1e-6)) < 1e-15)
        var small: [Double] = [0.3, 0.4]
        _ = small.withUnsafeMutableBufferPointer { clipGradientNorm($0.baseAddress!, count: 2, maxNorm: 1) }
        #expect(small == [0.3, 0.4])
    }
}
