import COpenBLAS

/// OpenBLAS's thread pool. The products of a recurrent step are small (batch × hidden), and for
/// those a second thread costs more in synchronisation than it saves; the engine also runs
/// independent work (backtest folds) on its own threads. So BLAS runs on one thread unless the
/// caller chose otherwise with `set(_:)` — which is also what makes training bit-for-bit
/// reproducible.
public enum BLASThreads {
    nonisolated(unsafe) private static var chosen = false

    public static var count: Int { Int(openblas_get_num_threads()) }

    public static func set(_ n: Int) {
        chosen = true
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// Called by every new network: one thread unless `set(_:)` was called.
    static func applyDefault() {
        if !chosen {
            chosen = true
            openblas_set_num_threads(1)
        }
    }

    /// The kernel OpenBLAS picked for this CPU (affected by `OPENBLAS_CORETYPE`).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
