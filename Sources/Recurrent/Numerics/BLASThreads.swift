import COpenBLAS

/// OpenBLAS's thread pool. The products of a recurrent step are small (batch × hidden), and for
/// those a second thread costs more in synchronisation than it saves, so the engine runs BLAS on
/// one thread by default; one thread is also what makes training bit-for-bit reproducible.
public enum BLASThreads {
    public static var count: Int { Int(openblas_get_num_threads()) }

    public static func set(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// The kernel OpenBLAS picked for this CPU (affected by `OPENBLAS_CORETYPE`).
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
