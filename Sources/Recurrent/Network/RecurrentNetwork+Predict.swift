import Dispatch

extension RecurrentNetwork {
    /// Head outputs for every window of `inputs` (count, timesteps, inputSize), in batches of
    /// `batchSize`, without dropout: (count, outputSize).
    ///
    /// With `threads` > 1, batches are dealt round-robin to that many threads, each running a
    /// replica that shares these weights; every batch is computed exactly as on one thread, so
    /// the result does not depend on `threads`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func predict(_ inputs: [Scalar], count: Int, timesteps T: Int, batchSize: Int = 256,
                        threads: Int = 1) -> [Scalar] {
        precondition(inputs.count == count * T * shape.inputSize, "inputs have the wrong size")
        precondition(batchSize > 0, "batchSize must be positive")
        var out = [Scalar](repeating: 0, count: count * shape.outputSize)
        let batches = (count + batchSize - 1) / batchSize
        let workers = max(1, min(threads, batches))
        let networks = [self] + (1..<workers).map { _ in RecurrentNetwork(replicaOf: self, dropoutSeed: 0) }
        inputs.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let job = PredictionJob(networks: networks, inputs: src.baseAddress!, outputs: dst.baseAddress!,
                                        count: count, timesteps: T, batchSize: batchSize)
                if workers == 1 {
                    job.run(worker: 0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) }
                }
            }
        }
        return out
    }

    /// Batch-first rows [begin, begin + B) of `inputs` through the network into `outputs`.
    fileprivate func predictBatch(_ inputs: UnsafePointer<Scalar>, _ outputs: UnsafeMutablePointer<Scalar>,
                                  begin: Int, batch B: Int, timesteps T: Int) {
        let O = shape.outputSize, I = shape.inputSize
        prepare(timesteps: T, batch: B)
        let dst = workspace.input.pointer
        for b in 0..<B {
            for t in 0..<T {
                (dst + (t * B + b) * I).update(from: inputs + ((begin + b) * T + t) * I, count: I)
            }
        }
        runForward(training: false)
        (outputs + begin * O).update(from: workspace.output.pointer, count: B * O)
    }
}

/// The batches of one `predict` call; worker w runs batches w, w + workers, … on network w, and
/// each batch writes its own rows of the output.
private struct PredictionJob<Scalar: RecurrentScalar>: @unchecked Sendable {
    let networks: [RecurrentNetwork<Scalar>]
    let inputs: UnsafePointer<Scalar>
    let outputs: UnsafeMutablePointer<Scalar>
    let count: Int, timesteps: Int, batchSize: Int

    func run(worker w: Int) {
        var begin = w * batchSize
        while begin < count {
            networks[w].predictBatch(inputs, outputs, begin: begin, batch: min(batchSize, count - begin), timesteps: timesteps)
            begin += networks.count * batchSize
        }
    }
}
