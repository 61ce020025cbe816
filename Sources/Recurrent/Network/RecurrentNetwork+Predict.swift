extension RecurrentNetwork {
    /// Head outputs for every window of `inputs` (count, timesteps, inputSize), in batches of
    /// `batchSize`, without dropout: (count, outputSize).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func predict(_ inputs: [Scalar], count: Int, timesteps T: Int, batchSize: Int = 256) -> [Scalar] {
        precondition(inputs.count == count * T * shape.inputSize, "inputs have the wrong size")
        let O = shape.outputSize, I = shape.inputSize
        var out = [Scalar](repeating: 0, count: count * O)
        var begin = 0
        while begin < count {
            let B = min(batchSize, count - begin)
            prepare(timesteps: T, batch: B)
            let dst = workspace.input.pointer
            inputs.withUnsafeBufferPointer { src in
                for b in 0..<B {
                    for t in 0..<T {
                        (dst + (t * B + b) * I).update(from: src.baseAddress! + ((begin + b) * T + t) * I, count: I)
                    }
                }
            }
            runForward(training: false)
            out.withUnsafeMutableBufferPointer {
                ($0.baseAddress! + begin * O).update(from: workspace.output.pointer, count: B * O)
            }
            begin += B
        }
        return out
    }
}
