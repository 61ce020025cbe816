/// Regression losses, averaged over every element (batch × outputs), as PyTorch's
/// `reduction="mean"`.
///
/// MSE, MAE and Huber compare each network output with one target value. The quantile loss
/// trains a multi-quantile head instead: `outputsPerTarget` (Q) outputs per target value, one per
/// level, so the network's output size is the targets' size × Q (see `quantile(levels:)`).
public enum Loss: Codable, Equatable, Sendable {
    /// mean((p - y)²), `nn.MSELoss`.
    case mse
    /// mean(|p - y|), `nn.L1Loss`; its gradient at p = y is 0, as PyTorch's sign().
    case mae
    /// `nn.HuberLoss(delta:)`: ½e² where |e| ≤ δ, δ(|e| - ½δ) beyond.
    case huber(delta: Double)
    /// The pinball (quantile) loss of a multi-quantile head, as neuralforecast's `MQLoss`.
    ///
    /// `levels` τ₁ < … < τ_Q, each strictly inside (0, 1) (`validate()` checks). Head layout: for
    /// target value j (of n: sample-major, then horizon step, then target, as the other losses
    /// read them), the prediction holds Q consecutive values, output j·Q + q estimating the
    /// τ_q-quantile of y_j. A PyTorch user would reshape the network output to
    /// (batch, horizon, targets, Q).
    ///
    /// With e = y − ŷ, each output costs ρ_τ(e) = max(τe, (τ−1)e), the mean over all n·Q values is
    /// the loss, and dρ/dŷ is −τ where y > ŷ and 1 − τ where y < ŷ. At a tie (e = 0) it is
    /// ½ − τ: PyTorch autograd through `torch.max(tau*e, (tau-1)*e)` gives each argument half
    /// the gradient when they are equal, and so does neuralforecast's formulation with
    /// `torch.maximum(±error, 0)`. (neuralforecast's `MQLoss` further divides by Q; the minimizer
    /// is the same, the loss and gradient are Q times smaller there.)
    case quantile(levels: [Double])

    public static let huber = Loss.huber(delta: 1)
    /// The levels of a bare `quantile`: an 80% central interval around the median.
    public static let defaultQuantileLevels = [0.1, 0.5, 0.9]

    public var name: String {
        switch self {
        case .mse: "mse"
        case .mae: "mae"
        case .huber: "huber"
        case .quantile: "quantile"
        }
    }

    /// Network outputs per target value: Q for `quantile`, 1 for the others. A network trained
    /// with this loss needs `outputSize == targetSize × outputsPerTarget`.
    public var outputsPerTarget: Int {
        if case .quantile(let levels) = self { return levels.count }
        return 1
    }

    /// Parses `mse`, `mae` (or `l1`), `huber`, `huber:DELTA`, `quantile` (levels 0.1, 0.5, 0.9)
    /// or `quantile:L1,L2,…` (e.g. `quantile:0.05,0.5,0.95`, spaces allowed around the numbers);
    /// nil for anything else, including quantile levels that `validate()` refuses.
    public init?(name: String) {
        let lowered = name.lowercased()
        let parts = lowered.split(separator: ":", maxSplits: 1)
        switch parts.first {
        case "mse": self = .mse
        case "mae", "l1": self = .mae
        case "huber":
            let delta = parts.count > 1 ? Double(parts[1]) : 1
            guard let delta, delta > 0 else { return nil }
            self = .huber(delta: delta)
        case "quantile":
            guard let levels = Self.parseLevels(lowered.dropFirst("quantile".count)) else { return nil }
            let loss = Loss.quantile(levels: levels)
            guard loss.problem == nil else { return nil }
            self = loss
        default: return nil
        }
    }

    /// The levels after `quantile`: nothing for the default, else `:` and a comma-separated list
    /// in which every item is a number (so "0.1,,0.9" or a trailing ":" fails).
    private static func parseLevels(_ rest: Substring) -> [Double]? {
        if rest.isEmpty { return defaultQuantileLevels }
        guard rest.first == ":" else { return nil }
        var levels: [Double] = []
        for item in rest.dropFirst().split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.drop { $0 == " " }
            guard let level = Double(String(trimmed.reversed().drop { $0 == " " }.reversed())) else { return nil }
            levels.append(level)
        }
        return levels
    }

    /// Throws `RecurrentError.invalidData` saying what is wrong with the settings (a Huber δ
    /// that is not positive, quantile levels that are not ascending, distinct and inside (0, 1)).
    public func validate() throws {
        if let problem { throw RecurrentError.invalidData(problem) }
    }

    private var problem: String? {
        switch self {
        case .mse, .mae: return nil
        case .huber(let delta):
            return delta > 0 ? nil : "the Huber delta must be positive, got \(delta)"
        case .quantile(let levels):
            if levels.isEmpty { return "the quantile loss needs at least one level" }
            if let bad = levels.first(where: { !($0 > 0 && $0 < 1) }) {
                return "quantile levels must lie strictly between 0 and 1, got \(bad) in \(levels)"
            }
            if zip(levels, levels.dropFirst()).contains(where: { $0 >= $1 }) {
                return "quantile levels must be ascending and distinct, got \(levels)"
            }
            return nil
        }
    }

    /// The loss over `targetCount` target values and, into `gradient`, dL/dpredicted.
    /// `predicted` and `gradient` hold targetCount × `outputsPerTarget` values (the quantile head
    /// layout above); `target` holds targetCount. Sums in Double so the reported loss does not
    /// drift with the batch size.
    public func evaluate<S: RecurrentScalar>(predicted: UnsafePointer<S>, target: UnsafePointer<S>, targetCount n: Int,
                                             gradient: UnsafeMutablePointer<S>?) -> Double {
        if case .quantile(let levels) = self {
            return Self.pinball(levels: levels, predicted: predicted, target: target, targetCount: n, gradient: gradient)
        }
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
            case .quantile:
                preconditionFailure("handled above")
            }
            gradient?[i] = S(g * scale)
        }
        return total * scale
    }

    /// The loss of `predicted` against `target` (n values each) and, into `gradient`, dL/dpredicted,
    /// for losses with one output per target value (not `quantile`; use `targetCount:`).
    public func evaluate<S: RecurrentScalar>(predicted: UnsafePointer<S>, target: UnsafePointer<S>, count n: Int,
                                             gradient: UnsafeMutablePointer<S>?) -> Double {
        precondition(outputsPerTarget == 1, "the \(name) loss reads \(outputsPerTarget) outputs per target: use evaluate(predicted:target:targetCount:gradient:)")
        return evaluate(predicted: predicted, target: target, targetCount: n, gradient: gradient)
    }

    /// Pinball loss and gradient, forward and backward in one pass.
    ///   predicted, gradient: (n, Q), row j holding the Q level estimates of target j
    ///   target:              (n)
    /// Returns mean over the n·Q values of max(τe, (τ−1)e), e = y − ŷ.
    private static func pinball<S: RecurrentScalar>(levels: [Double], predicted: UnsafePointer<S>, target: UnsafePointer<S>,
                                                    targetCount n: Int, gradient: UnsafeMutablePointer<S>?) -> Double {
        let Q = levels.count
        let scale = 1 / Double(n * Q)
        var total = 0.0
        for j in 0..<n {
            let y = Double(target[j])
            for q in 0..<Q {
                let tau = levels[q], e = y - Double(predicted[j * Q + q])
                total += max(tau * e, (tau - 1) * e)
                // dρ/dŷ = −dρ/de: −τ when the output is below the target, 1 − τ when above, and at
                // a tie the mean of the two, ½ − τ (PyTorch's max splits the gradient evenly
                // between equal arguments).
                let g = e > 0 ? -tau : (e < 0 ? 1 - tau : 0.5 - tau)
                gradient?[j * Q + q] = S(g * scale)
            }
        }
        return total * scale
    }

    /// Array convenience: (loss, dL/dpredicted). `predicted` holds `target.count × outputsPerTarget`
    /// values.
    public func evaluate<S: RecurrentScalar>(predicted: [S], target: [S]) -> (loss: Double, gradient: [S]) {
        precondition(predicted.count == target.count * outputsPerTarget,
                     "\(predicted.count) predictions for \(target.count) targets; the \(name) loss needs \(outputsPerTarget) per target")
        var grad = [S](repeating: 0, count: predicted.count)
        let loss = predicted.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                grad.withUnsafeMutableBufferPointer { g in
                    evaluate(predicted: p.baseAddress!, target: t.baseAddress!, targetCount: t.count, gradient: g.baseAddress!)
                }
            }
        }
        return (loss, grad)
    }

    /// Sorts each target's Q consecutive outputs ascending, so that the estimates of a quantile
    /// head never cross (the τ = 0.9 output below the τ = 0.5 one, say). Levels are ascending, so
    /// after sorting output j·Q + q is the q-th smallest estimate for target j. This is
    /// Chernozhukov, Fernández-Val and Galichon's rearrangement: whatever the outcome, it never
    /// raises the summed pinball loss (ρ_τ(y − ŷ) is submodular in (τ, ŷ), so the larger estimate
    /// belongs with the larger level), and it leaves already monotone outputs alone. For
    /// prediction only; training sees the raw outputs. A no-op for losses with one output per
    /// target. `predicted.count` must be a multiple of `outputsPerTarget`.
    public func sortQuantiles<S: RecurrentScalar>(_ predicted: inout [S]) {
        let Q = outputsPerTarget
        guard Q > 1 else { return }
        precondition(predicted.count % Q == 0, "\(predicted.count) outputs are not whole groups of \(Q) quantiles")
        predicted.withUnsafeMutableBufferPointer { p in
            for start in stride(from: 0, to: p.count, by: Q) {
                p[start..<start + Q].sort()
            }
        }
    }
}
