import CVectorMath

/// One time step of `nn.LSTM` for a whole batch, fused: all four gate nonlinearities, the cell
/// update and the output in one pass over the (B, 4H) gate block.
///
///     i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
///     c_t = f * c_{t-1} + i * g        h_t = o * tanh(c_t)
///
/// where a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh has been computed by BLAS beforehand.
///
/// Float runs CVectorMath's `cvm_lstm_forward`/`cvm_lstm_backward`: the same operations in the
/// same order, vectorized (these loops stayed scalar in Swift and were 10% of a `seed` training
/// profile); Double runs the loops below.
enum LSTMKernel {
    /// - gates: (B, 4H), pre-activations in; the activations i, f, g, o out (kept for backward).
    /// - cPrev: (B, H), or nil for the zero initial state.
    /// - c, cTanh: (B, H) out: c_t and tanh(c_t) (kept for backward).
    /// - h: (B, H) out, rows `ldh` apart (a slice of the layer's (B, D*H) output row).
    @inline(__always)
    static func forward<S: RecurrentScalar>(
        batch: Int, hidden H: Int,
        gates: UnsafeMutablePointer<S>, cPrev: UnsafePointer<S>?,
        c: UnsafeMutablePointer<S>, cTanh: UnsafeMutablePointer<S>, h: UnsafeMutablePointer<S>, ldh: Int
    ) {
        if S.self == Float.self {
            return cvm_lstm_forward(batch, H, gates.floats, cPrev?.floats, c.floats, cTanh.floats, h.floats, ldh)
        }
        for b in 0..<batch {
            let g = gates + b * 4 * H
            let cb = c + b * H, tb = cTanh + b * H
            let hb = h + b * ldh
            S.sigmoid(g, g, count: 2 * H)
            S.tanh(g + 2 * H, g + 2 * H, count: H)
            S.sigmoid(g + 3 * H, g + 3 * H, count: H)
            if let cp = cPrev.map({ $0 + b * H }) {
                for j in 0..<H { cb[j] = g[H + j] * cp[j] + g[j] * g[2 * H + j] }
            } else {
                for j in 0..<H { cb[j] = g[j] * g[2 * H + j] }
            }
            S.tanh(cb, tb, count: H)
            for j in 0..<H { hb[j] = g[3 * H + j] * tb[j] }
        }
    }

    /// - dh: (B, H), rows `ldh` apart: dL/dh_t in full (from above and from step t+1).
    /// - dc: (B, H): dL/dc_t through the cell path in; dL/dc_{t-1} out.
    /// - gates: (B, 4H) activations from forward; cPrev (B, H) or nil; cTanh: tanh(c_t), (B, H).
    /// - dGates: (B, 4H) out: dL/da for the four pre-activations.
    @inline(__always)
    static func backward<S: RecurrentScalar>(
        batch: Int, hidden H: Int,
        dh: UnsafePointer<S>, ldh: Int, dc: UnsafeMutablePointer<S>,
        gates: UnsafePointer<S>, cPrev: UnsafePointer<S>?, cTanh: UnsafePointer<S>,
        dGates: UnsafeMutablePointer<S>
    ) {
        if S.self == Float.self {
            return cvm_lstm_backward(batch, H, dh.floats, ldh, dc.floats, gates.floats, cPrev?.floats, cTanh.floats,
                                     dGates.floats)
        }
        for b in 0..<batch {
            let g = gates + b * 4 * H
            let dg = dGates + b * 4 * H
            let dhb = dh + b * ldh
            let dcb = dc + b * H
            let tb = cTanh + b * H
            let cp = cPrev.map { $0 + b * H }
            for j in 0..<H {
                let i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j]
                let tc = tb[j]
                let dcTotal = dhb[j] * o * (1 - tc * tc) + dcb[j]
                let prev = cp.map { $0[j] } ?? 0
                dg[j] = dcTotal * gg * i * (1 - i)
                dg[H + j] = dcTotal * prev * f * (1 - f)
                dg[2 * H + j] = dcTotal * i * (1 - gg * gg)
                dg[3 * H + j] = dhb[j] * tc * o * (1 - o)
                dcb[j] = dcTotal * f
            }
        }
    }
}
