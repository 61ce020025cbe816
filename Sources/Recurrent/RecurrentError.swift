/// Errors of the engine; each description is one line meant for a person.
public enum RecurrentError: Error, CustomStringConvertible, Equatable {
    case invalidShape(String)
    case parameterMismatch(String)
    case nonFiniteLoss(epoch: Int, batch: Int, value: String)
    case nonFiniteGradient(epoch: Int, batch: Int)
    /// Training stopped on request after a whole batch; `Trainer.interruptedState` continues it.
    case interrupted(epoch: Int, batch: Int)
    case invalidData(String)

    public var description: String {
        switch self {
        case .invalidShape(let m): "invalid network shape: \(m)"
        case .parameterMismatch(let m): "parameter mismatch: \(m)"
        case .nonFiniteLoss(let e, let b, let v):
            "training diverged: loss became \(v) at epoch \(e), batch \(b); kept the last good weights. "
                + "Try a lower learning rate or gradient clipping (--clip)."
        case .nonFiniteGradient(let e, let b):
            "training diverged: a gradient became NaN or infinite at epoch \(e), batch \(b); kept the last good weights. "
                + "Try a lower learning rate or gradient clipping (--clip)."
        case .interrupted(let e, let b): "training interrupted after epoch \(e), batch \(b)"
        case .invalidData(let m): "invalid training data: \(m)"
        }
    }
}
