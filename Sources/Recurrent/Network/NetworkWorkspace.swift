/// Activations one direction of one layer keeps from forward for backward, and its gradient
/// scratch. Time-major: row t*B + b.
final class DirectionWorkspace<Scalar: RecurrentScalar> {
    /// (T, B, G*H): input projection plus bias, then the activated gates.
    let gates = ScalarBuffer<Scalar>()
    /// GRU only, (T, B, 3H): W_hh h_{t-1} + b_hh.
    let hh = ScalarBuffer<Scalar>()
    /// LSTM only, (T, B, H): the cell states c_t, indexed by real time t.
    let cells = ScalarBuffer<Scalar>()
    /// LSTM only, (T, B, H): tanh(c_t).
    let cellTanh = ScalarBuffer<Scalar>()
    /// (T, B, G*H): dL/d(pre-activation) on the input side.
    let dGates = ScalarBuffer<Scalar>()
    /// GRU only, (T, B, 3H): dL/d(W_hh h + b_hh).
    let dHh = ScalarBuffer<Scalar>()
    /// LSTM only, (B, H): dL/dc carried from step to step.
    let dc = ScalarBuffer<Scalar>()
    /// The time loop's products: h_{t-1} · W_hhᵀ forward, dA_t · W_hh backward.
    let recurrentForward = RecurrentProduct<Scalar>()
    let recurrentBackward = RecurrentProduct<Scalar>()
    /// The input products: X · W_ihᵀ over all steps forward, dA_t · W_ih step by step backward.
    let inputForward = RecurrentProduct<Scalar>()
    let inputBackward = RecurrentProduct<Scalar>()
    /// (G*H): the bias row every gate row starts from (b_ih, plus b_hh for LSTM and RNN).
    let gateBias = ScalarBuffer<Scalar>()

    func reserve(shape: NetworkShape, timesteps T: Int, batch B: Int) {
        let H = shape.hiddenSize, gh = shape.cell.gateCount * H
        gates.reserve(T * B * gh)
        gateBias.reserve(gh)
        dGates.reserve(T * B * gh)
        if shape.cell == .gru {
            hh.reserve(T * B * gh)
            dHh.reserve(T * B * gh)
        }
        if shape.cell == .lstm {
            cells.reserve(T * B * H)
            cellTanh.reserve(T * B * H)
            dc.reserve(B * H)
        }
    }
}

/// One layer's output sequence and its gradient, (T, B, D*H) with [forward; backward] halves,
/// plus the dropout mask applied to this layer's input (layers above the first).
final class LayerWorkspace<Scalar: RecurrentScalar> {
    let output = ScalarBuffer<Scalar>()
    let dOutput = ScalarBuffer<Scalar>()
    /// The dropped-out copy of the layer below's output that this layer reads, and the mask
    /// (0 or 1/(1-p)) that made it.
    let droppedInput = ScalarBuffer<Scalar>()
    let dropoutMask = ScalarBuffer<Scalar>()
    let directions: [DirectionWorkspace<Scalar>]

    init(directions: Int) {
        self.directions = (0..<directions).map { _ in DirectionWorkspace() }
    }
}

/// Everything a forward/backward pass touches besides the parameters. Sized for the largest
/// (T, B) seen and reused, so the time loop never allocates.
final class NetworkWorkspace<Scalar: RecurrentScalar> {
    /// (T, B, inputSize), time-major copy of the batch.
    let input = ScalarBuffer<Scalar>()
    let dInput = ScalarBuffer<Scalar>()
    /// (B, D*H) and (B, outputSize).
    let headInput = ScalarBuffer<Scalar>()
    let dHeadInput = ScalarBuffer<Scalar>()
    let output = ScalarBuffer<Scalar>()
    let layers: [LayerWorkspace<Scalar>]

    init(shape: NetworkShape) {
        layers = (0..<shape.layers).map { _ in LayerWorkspace(directions: shape.directions) }
    }

    func reserve(shape: NetworkShape, timesteps T: Int, batch B: Int) {
        let dh = shape.hiddenSize * shape.directions
        input.reserve(T * B * shape.inputSize)
        dInput.reserve(T * B * shape.inputSize)
        headInput.reserve(B * dh)
        dHeadInput.reserve(B * dh)
        output.reserve(B * shape.outputSize)
        for (k, layer) in layers.enumerated() {
            layer.output.reserve(T * B * dh)
            layer.dOutput.reserve(T * B * dh)
            if k > 0 && shape.dropout > 0 {
                layer.droppedInput.reserve(T * B * dh)
                layer.dropoutMask.reserve(T * B * dh)
            }
            for d in layer.directions { d.reserve(shape: shape, timesteps: T, batch: B) }
        }
    }
}
