/// Inverted dropout between layers, as `nn.LSTM(dropout=p)`: in training, each element of a
/// layer's output is zeroed with probability p and the rest scaled by 1/(1-p) before the next
/// layer reads it; in evaluation the output passes unchanged.
extension RecurrentNetwork {
    /// The input layer `k` (> 0) reads: the layer below's output, or a dropped-out copy of it.
    func applyDropout(layer k: Int, input: UnsafePointer<Scalar>, training: Bool) -> UnsafePointer<Scalar> {
        guard training, shape.dropout > 0 else { return input }
        let n = timesteps * batch * shape.hiddenSize * shape.directions
        let ws = workspace.layers[k]
        let keep = 1 - shape.dropout
        let scale = Scalar(1 / keep)
        let mask = ws.dropoutMask.pointer, dropped = ws.droppedInput.pointer
        for i in 0..<n {
            let m: Scalar = dropoutGenerator.nextUnit() < keep ? scale : 0
            mask[i] = m
            dropped[i] = input[i] * m
        }
        return UnsafePointer(dropped)
    }

    /// What layer `k` read in the last forward pass.
    func droppedInputPointer(layer k: Int) -> UnsafeMutablePointer<Scalar> {
        usesDropout ? workspace.layers[k].droppedInput.pointer : workspace.layers[k - 1].output.pointer
    }

    /// dL/d(layer k-1 output) = mask ⊙ dL/d(layer k input), in place.
    func backwardDropout(layer k: Int) {
        guard usesDropout else { return }
        let n = timesteps * batch * shape.hiddenSize * shape.directions
        let mask = workspace.layers[k].dropoutMask.pointer
        let d = workspace.layers[k - 1].dOutput.pointer
        for i in 0..<n { d[i] *= mask[i] }
    }

    private var usesDropout: Bool { lastForwardWasTraining && shape.dropout > 0 }
}
