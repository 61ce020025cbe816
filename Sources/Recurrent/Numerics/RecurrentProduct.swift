import CPackedProduct

/// c (m, n) += a (m, k) · op(B) for a B that stays the same over many rows or many calls: a
/// weight matrix inside the time loop (W_hhᵀ forward; W_hh and W_ih backward, T steps per
/// batch), or W_ihᵀ applied to all T·B rows of a sequence at once.
///
/// On Float with AVX2 and FMA, op(B) is packed once, at the first product with more than one
/// row after `use(_:)`, into the panels of CPackedProduct, and every product runs that kernel: the
/// per-step `sgemm` calls packed W_hh again on every step (sgemm's copy routines were 15% of a
/// `seed` training profile), and on all rows of a sequence the kernel beats sgemm too (`stacked`,
/// one thread, best of 25: 1536 × 256 × 64 503 vs 555 µs, 1536 × 64 × 256 514 vs 577 µs). Single
/// rows (batch-1 prediction) and Double go to `gemm` as before.
final class RecurrentProduct<Scalar: RecurrentScalar> {
    private let panels = ScalarBuffer<Scalar>()
    /// n zeros: the bias row of an overwriting product (a reserved buffer starts zeroed).
    private let zeros = ScalarBuffer<Scalar>()
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

    /// Which weights, at which `ParameterStore.generation`, a caller that packs panels itself
    /// last packed into the panel buffer.
    struct FillKey: Equatable {
        let weights: UnsafeRawPointer
        let generation: UInt64
        let count: Int
    }

    private var filled: FillKey?

    /// `count` floats of room in the panel buffer, for a caller that packs panels itself (batch-1
    /// LSTM steps pack W_hh and W_ih there on each core), and whether they still hold what that
    /// caller packed under the same key: nothing has packed into the buffer since, and the
    /// weights have not changed. `multiply` packs again before using it.
    func panelsToFill(count: Int, key: FillKey) -> (panels: UnsafeMutablePointer<Scalar>, current: Bool) {
        let current = filled == key
        panels.reserve(count)
        packed = false
        filled = key
        return (panels.pointer, current)
    }

    /// c (m, n; rows ldc apart) += a (m, k; rows lda apart) · op(B); with `overwrite`, c = a · op(B)
    /// (the bits of zeroing c first, without that pass).
    func multiply(m: Int, a: UnsafePointer<Scalar>, lda: Int, c: UnsafeMutablePointer<Scalar>, ldc: Int,
                  overwrite: Bool = false) {
        if overwrite {
            zeros.reserve(n)
            return multiply(m: m, a: a, lda: lda, bias: zeros.pointer, c: c, ldc: ldc)
        }
        guard let panels = packedPanels(rows: m) else {
            return Scalar.gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                               b: b!, ldb: ldb, beta: 1, c: c, ldc: ldc)
        }
        cpp_multiply(m, n, k, a.floats, lda, panels.floats, c.floats, ldc)
    }

    /// c (m, n; rows ldc apart) = bias (n) + a (m, k; rows lda apart) · op(B): the bits of
    /// filling each row of c with bias and then `multiply`, without that extra pass over c.
    func multiply(m: Int, a: UnsafePointer<Scalar>, lda: Int, bias: UnsafePointer<Scalar>,
                  c: UnsafeMutablePointer<Scalar>, ldc: Int) {
        guard let panels = packedPanels(rows: m) else {
            for row in 0..<m { (c + row * ldc).update(from: bias, count: n) }
            return Scalar.gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                               b: b!, ldb: ldb, beta: 1, c: c, ldc: ldc)
        }
        cpp_multiply_bias(m, n, k, a.floats, lda, panels.floats, bias.floats, c.floats, ldc)
    }

    /// The panels of op(B), packed on first use, when a product of `rows` rows runs the packed
    /// kernel; nil when it goes to `gemm`.
    private func packedPanels(rows: Int) -> UnsafeMutablePointer<Scalar>? {
        guard let b else { preconditionFailure("RecurrentProduct used before use(_:)") }
        guard Scalar.self == Float.self, rows > 1, cpp_available() != 0 else { return nil }
        if !packed {
            panels.reserve(cpp_panel_floats(k, n))
            cpp_pack(k, n, b.floats, ldb, transposed ? 1 : 0, panels.pointer.floats)
            packed = true
            filled = nil
        }
        return panels.pointer
    }
}
