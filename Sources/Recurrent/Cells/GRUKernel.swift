/// One time step of `nn.GRU` for a whole batch, fused.
///
///     r = σ(x_r + h_r)   z = σ(x_z + h_z)   n = tanh(x_n + r * h_n)
///     h_t = (1 - z) * n + z * h_{t-1}
///
/// where x = W_ih x_t + b_ih and h = W_hh h_{t-1} + b_hh come from BLAS. The reset gate multiplies
/// `W_hn h + b_hn` (PyTorch's and Keras' `reset_after` form), so the two products stay apart.
enum GRUKernel {
    /// - gates: (B, 3H), x = W_ih x_t + b_ih in; the activations r, z, n out.
    /// - hh: (B, 3H), W_hh h_{t-1} + b_hh (kept for backward: n's gradient needs h_n).
    /// - hPrev: h_{t-1}, rows `ldh` apart, or nil for the zero initial state.
    /// - h: h_t out, rows `ldh` apart.
    @inline(__always)
    static func forward<S: RecurrentScalar>(
        batch: Int, hidden H: Int,
        gates: UnsafeMutablePointer<S>, hh: UnsafePointer<S>,
        hPrev: UnsafePointer<S>?, h: UnsafeMutablePointer<S>, ldh: Int
    ) {
        for b in 0..<batch {
            let g = gates + b * 3 * H
            let u = hh + b * 3 * H
            let hb = h + b * ldh
            let hp = hPrev.map { $0 + b * ldh }
            for j in 0..<2 * H { g[j] += u[j] }
            S.sigmoid(g, g, count: 2 * H)
            for j in 0..<H { g[2 * H + j] += g[j] * u[2 * H + j] }
            S.tanh(g + 2 * H, g + 2 * H, count: H)
            if let hp {
                for j in 0..<H { hb[j] = (1 - g[H + j]) * g[2 * H + j] + g[H + j] * hp[j] }
            } else {
                for j in 0..<H { hb[j] = (1 - g[H + j]) * g[2 * H + j] }
            }
        }
    }

    /// - dh: dL/dh_t in full, rows `ldh` apart.
    /// - dhPrev: dL/dh_{t-1}, rows `ldh` apart, gets the direct path z * dh added (nil at t = 0);
    ///   the caller adds dHh · W_hh afterwards.
    /// - dGates: (B, 3H) out: dL/dx for W_ih and b_ih.
    /// - dHh: (B, 3H) out: dL/dh for W_hh and b_hh (the n block is scaled by r).
    @inline(__always)
    static func backward<S: RecurrentScalar>(
        batch: Int, hidden H: Int,
        dh: UnsafePointer<S>, dhPrev: UnsafeMutablePointer<S>?, ldh: Int,
        gates: UnsafePointer<S>, hh: UnsafePointer<S>, hPrev: UnsafePointer<S>?,
        dGates: UnsafeMutablePointer<S>, dHh: UnsafeMutablePointer<S>
    ) {
        for b in 0..<batch {
            let g = gates + b * 3 * H
            let u = hh + b * 3 * H
            let dg = dGates + b * 3 * H
            let du = dHh + b * 3 * H
            let dhb = dh + b * ldh
            let hp = hPrev.map { $0 + b * ldh }
            let dhp = dhPrev.map { $0 + b * ldh }
            for j in 0..<H {
                let r = g[j], z = g[H + j], n = g[2 * H + j]
                let d = dhb[j]
                let prev = hp.map { $0[j] } ?? 0
                let dan = d * (1 - z) * (1 - n * n)
                let daz = d * (prev - n) * z * (1 - z)
                let dar = dan * u[2 * H + j] * r * (1 - r)
                dg[j] = dar; dg[H + j] = daz; dg[2 * H + j] = dan
                du[j] = dar; du[H + j] = daz; du[2 * H + j] = dan * r
                if let dhp { dhp[j] += d * z }
            }
        }
    }
}
