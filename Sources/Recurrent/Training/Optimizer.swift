import CVectorMath

/// Optimizers with PyTorch's update rules and defaults (`torch.optim`). Weight decay is L2
/// added to the gradient, except for AdamW, where it is decoupled: p ← p(1 - lr·λ).
public enum OptimizerKind: Codable, Equatable, Sendable {
    case sgd(momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0)
    case rmsprop(alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0, weightDecay: Double = 0)
    case adagrad(lrDecay: Double = 0, eps: Double = 1e-10, weightDecay: Double = 0)
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0)
    case adamw(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0.01)

    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .rmsprop: "rmsprop"
        case .adagrad: "adagrad"
        case .adam: "adam"
        case .adamw: "adamw"
        }
    }

    /// `sgd`, `momentum` (SGD with 0.9), `nesterov`, `rmsprop`, `adagrad`, `adam`, `adamw`, with
    /// PyTorch's defaults.
    public init?(name: String) {
        switch name.lowercased() {
        case "sgd": self = .sgd()
        case "momentum": self = .sgd(momentum: 0.9)
        case "nesterov": self = .sgd(momentum: 0.9, nesterov: true)
        case "rmsprop": self = .rmsprop()
        case "adagrad": self = .adagrad()
        case "adam": self = .adam()
        case "adamw": self = .adamw()
        default: return nil
        }
    }

    public static let names = ["sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw"]
}

/// An optimizer bound to a parameter vector of fixed length; keeps its state (moments, step
/// count) in Double so long runs do not lose precision in the running averages.
public struct Optimizer: Sendable {
    public let kind: OptimizerKind
    public var learningRate: Double
    /// Steps taken (PyTorch's `state["step"]`).
    public private(set) var step = 0
    /// First moment / momentum buffer, and second moment / square sum, per parameter.
    public private(set) var first: [Double]
    public private(set) var second: [Double]

    public init(_ kind: OptimizerKind, learningRate: Double, parameterCount: Int) {
        self.kind = kind
        self.learningRate = learningRate
        first = Array(repeating: 0, count: parameterCount)
        second = Array(repeating: 0, count: parameterCount)
    }

    /// Restores a saved state (for resuming).
    public init(_ kind: OptimizerKind, learningRate: Double, step: Int, first: [Double], second: [Double]) {
        precondition(first.count == second.count, "optimizer moments differ in length")
        self.kind = kind
        self.learningRate = learningRate
        self.step = step
        self.first = first
        self.second = second
    }

    /// One update of `values` from `gradients` (n = parameterCount each).
    public mutating func update<S: RecurrentScalar>(values: UnsafeMutablePointer<S>, gradients: UnsafePointer<S>) {
        update(values: values, gradients: gradients, split: nil)
    }

    /// The same update; with `split`, Float Adam's elementwise loop runs as two halves through it
    /// (a training step's other thread would otherwise wait for it: about 80 µs a step for
    /// `stacked`'s 52k parameters, a division and a square root in double per parameter). Each
    /// parameter's arithmetic is the same, so are the bits.
    public mutating func update<S: RecurrentScalar>(values: UnsafeMutablePointer<S>, gradients: UnsafePointer<S>,
                                                    split: PartRunner?) {
        step += 1
        let lr = learningRate, n = first.count
        let t = Double(step)
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                switch kind {
                case let .sgd(momentum, dampening, nesterov, wd):
                    for i in 0..<n {
                        var g = Double(gradients[i]) + wd * Double(values[i])
                        if momentum != 0 {
                            m[i] = step == 1 ? g : momentum * m[i] + (1 - dampening) * g
                            g = nesterov ? g + momentum * m[i] : m[i]
                        }
                        values[i] = S(Double(values[i]) - lr * g)
                    }
                case let .rmsprop(alpha, eps, momentum, wd):
                    for i in 0..<n {
                        let g = Double(gradients[i]) + wd * Double(values[i])
                        v[i] = alpha * v[i] + (1 - alpha) * g * g
                        let step = g / (v[i].squareRoot() + eps)
                        if momentum > 0 {
                            m[i] = momentum * m[i] + step
                            values[i] = S(Double(values[i]) - lr * m[i])
                        } else {
                            values[i] = S(Double(values[i]) - lr * step)
                        }
                    }
                case let .adagrad(lrDecay, eps, wd):
                    let clr = lr / (1 + (t - 1) * lrDecay)
                    for i in 0..<n {
                        let g = Double(gradients[i]) + wd * Double(values[i])
                        v[i] += g * g
                        values[i] = S(Double(values[i]) - clr * g / (v[i].squareRoot() + eps))
                    }
                case let .adam(b1, b2, eps, wd), let .adamw(b1, b2, eps, wd):
                    // One loop for both (p·1 and g + 0·p are exact); Float runs it vectorized in C.
                    let decoupled: Double, coupled: Double
                    if case .adamw = kind { (decoupled, coupled) = (wd, 0) } else { (decoupled, coupled) = (0, wd) }
                    let c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t)
                    let mp = m.baseAddress!, vp = v.baseAddress!
                    if S.self == Float.self {
                        let k = cvm_adam_constants(lr: lr, beta1: b1, beta2: b2, eps: eps, decoupled_decay: decoupled,
                                                   coupled_decay: coupled, correction1: c1, correction2: c2)
                        let job = AdamParts(n: n, values: values.floats, gradients: gradients.floats, m: mp, v: vp,
                                            constants: k)
                        if let split, n >= AdamParts.minimumToSplit {
                            split(2) { job.run(part: $0, of: 2) }
                        } else {
                            job.run(part: 0, of: 1)
                        }
                        return
                    }
                    for i in 0..<n {
                        let p = Double(values[i]) * (1 - lr * decoupled)
                        let g = Double(gradients[i]) + coupled * p
                        let mi = b1 * mp[i] + (1 - b1) * g
                        let vi = b2 * vp[i] + (1 - b2) * g * g
                        mp[i] = mi
                        vp[i] = vi
                        values[i] = S(p - lr * (mi / c1) / ((vi / c2).squareRoot() + eps))
                    }
                }
            }
        }
    }
}

/// Runs work(0) ..< work(parts) and returns when all of them have (possibly in parallel).
public typealias PartRunner = (_ parts: Int, _ work: @escaping @Sendable (Int) -> Void) -> Void

/// A Float Adam step over the parameters, to be run in parts that cover disjoint ranges.
private struct AdamParts: @unchecked Sendable {
    let n: Int
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafePointer<Float>
    let m, v: UnsafeMutablePointer<Double>
    let constants: cvm_adam_constants

    /// Below this many parameters, handing half to the other thread costs more than it saves.
    static var minimumToSplit: Int { 4096 }

    func run(part: Int, of parts: Int) {
        let lo = n * part / parts, hi = n * (part + 1) / parts
        var k = constants
        cvm_adam_step(hi - lo, values + lo, gradients + lo, m + lo, v + lo, &k)
    }
}

@inline(__always)
private func pow(_ x: Double, _ y: Double) -> Double {
    #if canImport(Glibc)
    Glibc.pow(x, y)
    #else
    Foundation.pow(x, y)
    #endif
}

#if canImport(Glibc)
import Glibc
#endif
