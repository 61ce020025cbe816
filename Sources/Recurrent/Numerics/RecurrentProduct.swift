import CPackedProduct

/// c (m, n) += a (m, k) · op(B) (k, n) for a B that stays the same over many calls: a recurrent
/// weight matrix inside the time loop (W_hhᵀ forward, W_hh backward, T steps per batch).
///
/// On Float with AVX2 and FMA, op(B) is packed once, at the first product with more than one
/// row after `use(_:)`, into the panels of CPackedProduct, and every step runs that kernel: the
/// per-step `sgemm` calls packed W_hh again on every step (sgemm's copy routines were 15% of a
/// `seed` training profile). Single rows (batch-1 prediction) and Double go to `gemm` as before.
final class RecurrentProduct<Scalar: RecurrentScalar> {
    private let panels = ScalarBuffer<Scalar>()
    private var b: UnsafePointer<Scalar>?
    private var ldb = 0, k = 0, n = 0
    private var transposed = false
    private var packed = false

    /// From now on multiply by op(B) (k, n): Bᵀ of b (n, k) when `transposed`, else b (k, n).
    func use(_ b: UnsafePointer<Scalar>, ldb: Int, k: Int, n: Int, transposed: Bool) {
        self.b = b
        self.ldb = ldb
        self.k = k
        self.n = n
        self.transposed = transposed
        packed = false
    }

    /// `count` floats of room in the panel buffer, for a caller that packs panels itself (batch-1
    /// LSTM steps pack W_hh and W_ih there on each core); `multiply` packs again before using it.
    func panelsToFill(count: Int) -> UnsafeMutablePointer<Scalar> {
        panels.reserve(count)
        packed = false
        return panels.pointer
    }

    /// c (m, n; rows ldc apart) += a (m, k; rows lda apart) · op(B).
    func multiply(m: Int, a: UnsafePointer<Scalar>, lda: Int, c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        guard let b else { preconditionFailure("RecurrentProduct used before use(_:)") }
        guard Scalar.self == Float.self, m > 1, cpp_available() != 0 else {
            return Scalar.gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                               b: b, ldb: ldb, beta: 1, c: c, ldc: ldc)
        }
        if !packed {
            panels.reserve(cpp_panel_floats(k, n))
            cpp_pack(k, n, b.floats, ldb, transposed ? 1 : 0, panels.pointer.floats)
            packed = true
        }
        cpp_multiply(m, n, k, a.floats, lda, panels.pointer.floats, c.floats, ldc)
    }
}
