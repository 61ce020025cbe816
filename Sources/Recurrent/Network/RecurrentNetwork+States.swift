/// The recurrent states of the last forward pass in PyTorch's layouts, for inspection and for
/// checking against PyTorch dumps.
extension RecurrentNetwork {
    /// The top layer's output sequence, (batch, timesteps, D*H) batch-first, as `nn.LSTM` returns it.
    public func outputSequence(layer: Int? = nil) -> [Scalar] {
        let k = layer ?? shape.layers - 1
        let T = timesteps, B = batch, dh = shape.hiddenSize * shape.directions
        let src = workspace.layers[k].output.pointer
        var out = [Scalar](repeating: 0, count: T * B * dh)
        for b in 0..<B { for t in 0..<T { for j in 0..<dh { out[(b * T + t) * dh + j] = src[(t * B + b) * dh + j] } } }
        return out
    }

    /// h_n, (layers*directions, batch, H): index layer*D + direction; the forward state after
    /// t = T-1, the backward state after t = 0.
    public func finalHiddenStates() -> [Scalar] {
        finalStates { k, d, b in
            let t = d == 0 ? timesteps - 1 : 0
            return workspace.layers[k].output.pointer + (t * batch + b) * shape.hiddenSize * shape.directions + d * shape.hiddenSize
        }
    }

    /// c_n for an LSTM, same layout as `finalHiddenStates()`; nil for other cells.
    public func finalCellStates() -> [Scalar]? {
        guard shape.cell == .lstm else { return nil }
        return finalStates { k, d, b in
            let t = d == 0 ? timesteps - 1 : 0
            return workspace.layers[k].directions[d].cells.pointer + (t * batch + b) * shape.hiddenSize
        }
    }

    /// What the head read: (batch, D*H).
    public func headInput() -> [Scalar] {
        Array(UnsafeBufferPointer(start: workspace.headInput.pointer, count: batch * shape.hiddenSize * shape.directions))
    }

    private func finalStates(_ row: (Int, Int, Int) -> UnsafeMutablePointer<Scalar>) -> [Scalar] {
        var out: [Scalar] = []
        out.reserveCapacity(shape.layers * shape.directions * batch * shape.hiddenSize)
        for k in 0..<shape.layers {
            for d in 0..<shape.directions {
                for b in 0..<batch {
                    out.append(contentsOf: UnsafeBufferPointer(start: row(k, d, b), count: shape.hiddenSize))
                }
            }
        }
        return out
    }
}
