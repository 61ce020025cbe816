/// Regression losses, averaged over every element (batch × outputs), as PyTorch's
/// `reduction="mean"`.
public enum Loss: Codable, Equatable, Sendable {
    /// mean((p - y)²), `nn.MSELoss`.
    case mse
    /// mean(|p - y|), `nn.L1Loss`; its gradient at p = y is 0, as PyTorch's sign().
    case mae
    /// `nn.HuberLoss(delta:)`: ½e² where |e| ≤ δ, δ(|e| - ½δ) beyond.
    case huber(delta: Double)

    public static let huber = Loss.huber(delta: 1)

    public var name: String {
        switch self {
        case .mse: "mse"
        case .mae: "mae"
        case .huber: "huber"
        }
    }

    /// Parses `mse`, `mae`, `huber` or `huber:DELTA`.
    public init?(name: String) {
        let parts = name.lowercased().split(separator: ":", maxSplits: 1)
        switch parts.first {
        case "mse": self = .mse
        case "mae", "l1": self = .mae
        case "huber":
            let delta = parts.count > 1 ? Double(parts[1]) : 1
            guard let delta, delta > 0 else { return nil }
            self = .huber(delta: delta)
        default: return nil
        }
    }

    /// The loss of `predicted` against `target` (n values each) and, into `gradient`, dL/dpredicted.
    /// Sums in Double so the reported loss does not drift with the batch size.
    public func evaluate<S: RecurrentScalar>(predicted: UnsafePointer<S>, target: UnsafePointer<S>, count n: Int,
                                             gradient: UnsafeMutablePointer<S>?) -> Double {
        var total = 0.0
        let scale = 1 / Double(n)
        for i in 0..<n {
            let e = Double(predicted[i]) - Double(target[i])
            let g: Double
            switch self {
            case .mse:
                total += e * e
                g = 2 * e
            case .mae:
                total += abs(e)
                g = e > 0 ? 1 : (e < 0 ? -1 : 0)
            case .huber(let delta):
                if abs(e) <= delta {
                    total += 0.5 * e * e
                    g = e
                } else {
                    total += delta * (abs(e) - 0.5 * delta)
                    g = e > 0 ? delta : -delta
                }
            }
            gradient?[i] = S(g * scale)
        }
        return total * scale
    }

    /// Array convenience: (loss, dL/dpredicted).
    public func evaluate<S: RecurrentScalar>(predicted: [S], target: [S]) -> (loss: Double, gradient: [S]) {
        precondition(predicted.count == target.count, "prediction and target sizes differ")
        var grad = [S](repeating: 0, count: predicted.count)
        let loss = predicted.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                grad.withUnsafeMutableBufferPointer { g in
                    evaluate(predicted: p.baseAddress!, target: t.baseAddress!, count: p.count, gradient: g.baseAddress!)
                }
            }
        }
        return (loss, grad)
    }
}
