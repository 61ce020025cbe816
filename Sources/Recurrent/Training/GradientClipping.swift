import CVectorMath

/// `torch.nn.utils.clip_grad_norm_` over the whole parameter vector: when the global L2 norm
/// exceeds `maxNorm`, every gradient is scaled by maxNorm / (norm + 1e-6).
///
/// Returns the norm before clipping (NaN or infinite when a gradient is).
@discardableResult
public func clipGradientNorm<S: RecurrentScalar>(_ gradients: UnsafeMutablePointer<S>, count: Int, maxNorm: Double?) -> Double {
    var sum = 0.0
    if S.self == Float.self {
        sum = cvm_squared_norm(count, gradients.floats)
    } else {
        for i in 0..<count { let g = Double(gradients[i]); sum += g * g }
    }
    let norm = sum.squareRoot()
    if let maxNorm, norm.isFinite {
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            let c = S(coefficient)
            for i in 0..<count { gradients[i] *= c }
        }
    }
    return norm
}
