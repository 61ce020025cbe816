import CVectorMath

/// One direction of one layer over the whole sequence: the input projection of every time step
/// as one product (from the bias row), then the sequential recurrence (one small product and one
/// fused kernel per step); and backward, where the loop takes dL/dh_{t-1} = dA_t · W_hh,
/// dL/dx_t = dA_t · W_ih and the bias sums step by step, and the weight gradients as GEMMs over a
/// few steps at a time.
///
/// Shapes: T timesteps, B batch, H hidden, G gates, D directions, I layer input width.
/// Direction 0 runs t = 0 ... T-1, direction 1 runs t = T-1 ... 0; both write h_t at row t of
/// the layer output (T, B, D*H), in their own half.
extension RecurrentNetwork {
    /// Real time of processing step s, and of the step before it.
    @inline(__always)
    private func time(step s: Int, direction d: Int) -> Int { d == 0 ? s : timesteps - 1 - s }

    func forwardDirection(layer k: Int, direction d: Int, input: UnsafePointer<Scalar>, inputWidth I: Int) {
        let T = timesteps, B = batch, H = shape.hiddenSize, D = shape.directions
        let G = shape.cell.gateCount, GH = G * H, DH = D * H
        let slots = directionSlots[k * D + d]
        let p = parameters.values
        let ws = workspace.layers[k].directions[d]
        let out = workspace.layers[k].output.pointer + d * H
        let gates = ws.gates.pointer

        // The row every gate row starts from; LSTM and RNN fold b_hh in here too.
        let bih = p + slots.biasIH, bhh = p + slots.biasHH
        let bias = ws.gateBias.pointer
        if shape.cell == .gru {
            bias.update(from: bih, count: GH)
        } else {
            for j in 0..<GH { bias[j] = bih[j] + bhh[j] }
        }
        if B == 1 && shape.cell == .lstm && Scalar.self == Float.self && SingleRowLSTMSteps.applies(hidden: H) {
            let count = SingleRowLSTMSteps.panelFloats(hidden: H, inputs: I)
            let key = RecurrentProduct<Scalar>.FillKey(weights: UnsafeRawPointer(p + slots.weightHH),
                                                       generation: parameters.generation, count: count)
            let (panels, current) = ws.recurrentForward.panelsToFill(count: count, key: key)
            let x = SingleRowLSTMSteps.Input(x: input.floats, width: I, wih: UnsafePointer((p + slots.weightIH).floats),
                                             bias: UnsafePointer(bias.floats))
            return SingleRowLSTMSteps(T: T, H: H, ldh: DH, reversed: d == 1, input: x, gates: gates.floats,
                                      whh: UnsafePointer((p + slots.weightHH).floats), out: out.floats,
                                      cells: ws.cells.pointer.floats, cellTanh: ws.cellTanh.pointer.floats,
                                      panels: panels.floats, packed: current).runAll()
        }

        // gates (T*B, GH) = bias + X (T*B, I) · W_ihᵀ (I, GH)
        ws.inputForward.use(p + slots.weightIH, ldb: I, k: I, n: GH, transposed: true)
        ws.inputForward.multiply(m: T * B, a: input, lda: I, bias: bias, c: gates, ldc: GH)

        ws.recurrentForward.use(p + slots.weightHH, ldb: H, k: H, n: GH, transposed: true)
        for s in 0..<T {
            let t = time(step: s, direction: d)
            let tp = time(step: s - 1, direction: d)
            let g = gates + t * B * GH
            let h = out + t * B * DH
            let hPrev: UnsafePointer<Scalar>? = s == 0 ? nil : UnsafePointer(out + tp * B * DH)
            switch shape.cell {
            case .lstm, .rnn:
                // gates_t (B, GH) += h_{t-1} (B, H) · W_hhᵀ (H, GH)
                if let hPrev { ws.recurrentForward.multiply(m: B, a: hPrev, lda: DH, c: g, ldc: GH) }
                if shape.cell == .lstm {
                    let cPrev: UnsafePointer<Scalar>? = s == 0 ? nil : UnsafePointer(ws.cells.pointer + tp * B * H)
                    LSTMKernel.forward(batch: B, hidden: H, gates: g, cPrev: cPrev,
                                       c: ws.cells.pointer + t * B * H, cTanh: ws.cellTanh.pointer + t * B * H,
                                       h: h, ldh: DH)
                } else {
                    RNNKernel.forward(batch: B, hidden: H, gates: g, h: h, ldh: DH)
                }
            case .gru:
                // hh_t (B, 3H) = b_hh + h_{t-1} (B, H) · W_hhᵀ (H, 3H)
                let u = ws.hh.pointer + t * B * GH
                if let hPrev {
                    ws.recurrentForward.multiply(m: B, a: hPrev, lda: DH, bias: bhh, c: u, ldc: GH)
                } else {
                    for b in 0..<B { (u + b * GH).update(from: bhh, count: GH) }
                }
                GRUKernel.forward(batch: B, hidden: H, gates: g, hh: u, hPrev: hPrev, h: h, ldh: DH)
            }
        }
    }

    /// Reads dL/dh_t from the layer's dOutput (T, B, D*H), which already holds what the head or
    /// the layer above sent, and adds the recurrent part as it walks back (writes it, in the top
    /// layer, where `recurrentProductsOverwriteTopLayer`). Writes dL/dX into
    /// `dInput` (T, B, I) when given: direction 0 overwrites it, direction 1 adds.
    ///
    /// dL/dX and the bias gradients are taken step by step, from the step's dA while it is still
    /// in L1, and the weight gradients every few steps (`weightGradientRows`), instead of in
    /// passes over all of dA (T·B rows, 1.5 MiB a layer for `stacked`) after the loop.
    func backwardDirection(layer k: Int, direction d: Int, input: UnsafePointer<Scalar>, inputWidth I: Int,
                           dInput: UnsafeMutablePointer<Scalar>?) {
        let T = timesteps, B = batch, H = shape.hiddenSize, D = shape.directions
        let G = shape.cell.gateCount, GH = G * H, DH = D * H
        let slots = directionSlots[k * D + d]
        let p = parameters.values, grad = parameters.gradients
        let ws = workspace.layers[k].directions[d]
        let out = workspace.layers[k].output.pointer + d * H
        let dOut = workspace.layers[k].dOutput.pointer + d * H
        let gates = ws.gates.pointer, dGates = ws.dGates.pointer
        // LSTM and RNN: dL/d(W_hh h + b_hh) equals dL/d(W_ih x + b_ih), so they share dGates.
        let dHh = shape.cell == .gru ? ws.dHh.pointer : dGates
        ws.recurrentBackward.use(p + slots.weightHH, ldb: H, k: GH, n: H, transposed: false)
        if dInput != nil { ws.inputBackward.use(p + slots.weightIH, ldb: I, k: GH, n: I, transposed: false) }
        if shape.cell == .lstm { ws.dc.zero(B * H) }
        let gbi = grad + slots.biasIH, gbh = grad + slots.biasHH
        let chunk = max(1, Self.weightGradientRows / B)

        for s in stride(from: T - 1, through: 0, by: -1) {
            let t = time(step: s, direction: d)
            let tp = time(step: s - 1, direction: d)
            let dh = UnsafePointer(dOut + t * B * DH)
            let dg = dGates + t * B * GH
            let dhPrev: UnsafeMutablePointer<Scalar>? = s == 0 ? nil : dOut + tp * B * DH
            switch shape.cell {
            case .lstm:
                let cPrev: UnsafePointer<Scalar>? = s == 0 ? nil : UnsafePointer(ws.cells.pointer + tp * B * H)
                LSTMKernel.backward(batch: B, hidden: H, dh: dh, ldh: DH, dc: ws.dc.pointer,
                                    gates: gates + t * B * GH, cPrev: cPrev, cTanh: ws.cellTanh.pointer + t * B * H,
                                    dGates: dg)
            case .rnn:
                RNNKernel.backward(batch: B, hidden: H, dh: dh, ldh: DH, gates: gates + t * B * GH, dGates: dg)
            case .gru:
                let hPrev: UnsafePointer<Scalar>? = s == 0 ? nil : UnsafePointer(out + tp * B * DH)
                GRUKernel.backward(batch: B, hidden: H, dh: dh, dhPrev: dhPrev, ldh: DH,
                                   gates: gates + t * B * GH, hh: ws.hh.pointer + t * B * GH, hPrev: hPrev,
                                   dGates: dg, dHh: dHh + t * B * GH)
            }
            // dL/dh_{t-1} (B, H) += dHh_t (B, GH) · W_hh (GH, H)
            if let dhPrev {
                ws.recurrentBackward.multiply(m: B, a: dHh + t * B * GH, lda: GH, c: dhPrev, ldc: DH,
                                              overwrite: k == shape.layers - 1 && recurrentProductsOverwriteTopLayer)
            }
            // dX_t (B, I) (+)= dGates_t (B, GH) · W_ih (GH, I)
            if let dInput {
                ws.inputBackward.multiply(m: B, a: dg, lda: GH, c: dInput + t * B * I, ldc: I, overwrite: d == 0)
            }
            // db_ih += Σ rows of dGates_t; db_hh += Σ rows of dHh_t
            addColumnSums(rows: B, columns: GH, dg, dHh + t * B * GH, into: gbi, gbh)
            let done = T - s
            if done % chunk == 0 || s == 0 {
                let first = time(step: s + (done % chunk == 0 ? chunk : done % chunk) - 1, direction: d)
                addWeightGradients(times: min(first, t)...max(first, t), direction: d, slots: slots, input: input,
                                   inputWidth: I, dGates: dGates, dHh: dHh, out: out)
            }
        }
    }

    /// The weight gradients are summed by GEMMs over about this many rows of dA, each as soon as
    /// the loop has made them: those rows are still in L2 then (256 KiB for `stacked`), where
    /// after the loop sgemm packed all of dA (1.5 MiB a layer) from L3 again for dW_ih and for
    /// dW_hh. Medians of 3–4 alternating runs, against one GEMM each over all rows: `stacked`
    /// training +2.2%, `bigru` +7%, `large` +1%, `seed` the same.
    public static var weightGradientRows: Int { 256 }

    /// dW_ih (GH, I) += dGatesᵀ · X and dW_hh (GH, H) += dHhᵀ · h_{t-1} over the rows of the steps
    /// at real times `times`; dW_hh takes the steps that had a previous state (h_{t-1} for
    /// direction 0, h_{t+1} for 1), consecutive rows of dHh beside consecutive rows of the output.
    private func addWeightGradients(times: ClosedRange<Int>, direction d: Int, slots: DirectionSlots,
                                    input: UnsafePointer<Scalar>, inputWidth I: Int, dGates: UnsafePointer<Scalar>,
                                    dHh: UnsafePointer<Scalar>, out: UnsafePointer<Scalar>) {
        let T = timesteps, B = batch, H = shape.hiddenSize, DH = shape.directions * H
        let GH = shape.cell.gateCount * H, grad = parameters.gradients
        let lo = times.lowerBound, n = times.count
        Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: I, k: n * B,
                    alpha: 1, a: dGates + lo * B * GH, lda: GH, b: input + lo * B * I, ldb: I,
                    beta: 1, c: grad + slots.weightIH, ldc: I)
        let first = d == 0 ? max(lo, 1) : lo, last = d == 0 ? times.upperBound : min(times.upperBound, T - 2)
        guard first <= last else { return }
        let previous = d == 0 ? first - 1 : first + 1
        Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: H, k: (last - first + 1) * B,
                    alpha: 1, a: dHh + first * B * GH, lda: GH, b: out + previous * B * DH, ldb: DH,
                    beta: 1, c: grad + slots.weightHH, ldc: H)
    }

    /// sumA[j] += Σ_r a[r][j], sumU[j] += Σ_r u[r][j] over rows in order (a and u may be one matrix).
    private func addColumnSums(rows: Int, columns n: Int, _ a: UnsafePointer<Scalar>, _ u: UnsafePointer<Scalar>,
                               into sumA: UnsafeMutablePointer<Scalar>, _ sumU: UnsafeMutablePointer<Scalar>) {
        if Scalar.self == Float.self { return cvm_add_column_sums(rows, n, a.floats, u.floats, sumA.floats, sumU.floats) }
        for row in 0..<rows {
            for j in 0..<n {
                sumA[j] += a[row * n + j]
                sumU[j] += u[row * n + j]
            }
        }
    }
}
