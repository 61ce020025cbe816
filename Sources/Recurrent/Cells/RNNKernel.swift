/// One time step of `nn.RNN(nonlinearity="tanh")` for a whole batch:
///
///     h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
enum RNNKernel {
    /// - gates: (B, H) pre-activations in; h_t out (kept for backward).
    /// - h: h_t out, rows `ldh` apart.
    @inline(__always)
    static func forward<S: RecurrentScalar>(
        batch: Int, hidden H: Int, gates: UnsafeMutablePointer<S>, h: UnsafeMutablePointer<S>, ldh: Int
    ) {
        for b in 0..<batch {
            let g = gates + b * H
            let hb = h + b * ldh
            S.tanh(g, g, count: H)
            hb.update(from: g, count: H)
        }
    }

    /// - dh: dL/dh_t, rows `ldh` apart; gates: h_t from forward; dGates: (B, H) out.
    @inline(__always)
    static func backward<S: RecurrentScalar>(
        batch: Int, hidden H: Int, dh: UnsafePointer<S>, ldh: Int,
        gates: UnsafePointer<S>, dGates: UnsafeMutablePointer<S>
    ) {
        for b in 0..<batch {
            let g = gates + b * H
            let dg = dGates + b * H
            let dhb = dh + b * ldh
            for j in 0..<H {
                dg[j] = dhb[j] * (1 - g[j] * g[j])
            }
        }
    }
}
