/// A stack of recurrent layers (LSTM, GRU or tanh RNN; each uni- or bidirectional) and a linear
/// head on the final state of each top-layer direction, with PyTorch's equations and parameter
/// layout, and a hand-written backward pass through time.
///
///     let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: .gru, inputSize: 3,
///                                                               hiddenSize: 16, outputSize: 2), seed: 7)
///     let y = net.forward(x, batch: 4, timesteps: 10)      // x: (4, 10, 3) → y: (4, 2)
///
/// A network is not thread-safe: it owns the workspace its passes write into.
public final class RecurrentNetwork<Scalar: RecurrentScalar> {
    public let shape: NetworkShape
    public let parameters: ParameterStore<Scalar>
    let workspace: NetworkWorkspace<Scalar>
    var dropoutGenerator: SeededGenerator
    /// (T, B) of the last forward pass, which backward reads.
    private(set) var timesteps = 0
    private(set) var batch = 0
    private(set) var lastForwardWasTraining = false

    /// A network with PyTorch's default initialization drawn from `seed`.
    public init(shape: NetworkShape, seed: UInt64 = 0) throws {
        try shape.validate()
        BLASThreads.applyDefault()
        self.shape = shape
        parameters = ParameterStore(shape: shape)
        workspace = NetworkWorkspace(shape: shape)
        var generator = SeededGenerator(seed: seed)
        parameters.initialize(shape: shape, generator: &generator)
        dropoutGenerator = SeededGenerator(seed: seed &+ 0x5EED)
    }

    /// A replica for data-parallel work: the same weights (shared, not copied), its own
    /// gradients, workspace and dropout stream.
    init(replicaOf other: RecurrentNetwork, dropoutSeed: UInt64) {
        shape = other.shape
        parameters = ParameterStore(sharingValuesOf: other.parameters)
        workspace = NetworkWorkspace(shape: other.shape)
        dropoutGenerator = SeededGenerator(seed: dropoutSeed)
    }

    /// Re-seeds the dropout masks (for reproducible resumption of training).
    public func seedDropout(_ seed: UInt64) { dropoutGenerator = SeededGenerator(seed: seed) }

    // MARK: Forward

    /// Runs the network on `x`, (batch, timesteps, inputSize) batch-first, and returns the head
    /// output, (batch, outputSize). With `training`, dropout is active between layers.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: [Scalar], batch B: Int, timesteps T: Int, training: Bool = false) -> [Scalar] {
        precondition(x.count == B * T * shape.inputSize,
                     "input has \(x.count) values, expected \(B)×\(T)×\(shape.inputSize)")
        prepare(timesteps: T, batch: B)
        let n = shape.inputSize
        x.withUnsafeBufferPointer { src in
            let dst = workspace.input.pointer
            for b in 0..<B {
                for t in 0..<T {
                    (dst + (t * B + b) * n).update(from: src.baseAddress! + (b * T + t) * n, count: n)
                }
            }
        }
        runForward(training: training)
        return Array(UnsafeBufferPointer(start: workspace.output.pointer, count: B * shape.outputSize))
    }

    /// Sizes the workspace for (T, B); the caller then fills `workspace.input` time-major.
    func prepare(timesteps T: Int, batch B: Int) {
        precondition(T >= 1 && B >= 1, "need at least one time step and one sample")
        workspace.reserve(shape: shape, timesteps: T, batch: B)
        timesteps = T
        batch = B
    }

    /// Forward over `workspace.input` (T, B, inputSize) into `workspace.output` (B, outputSize).
    func runForward(training: Bool) {
        lastForwardWasTraining = training
        var layerInput = UnsafePointer(workspace.input.pointer)
        var inputWidth = shape.inputSize
        for k in 0..<shape.layers {
            if k > 0 {
                layerInput = applyDropout(layer: k, input: layerInput, training: training)
                inputWidth = shape.hiddenSize * shape.directions
            }
            for d in 0..<shape.directions {
                forwardDirection(layer: k, direction: d, input: layerInput, inputWidth: inputWidth)
            }
            layerInput = UnsafePointer(workspace.layers[k].output.pointer)
        }
        forwardHead()
    }

    /// head_input = [h_fwd at t=T-1 ; h_bwd after reaching t=0]   (B, D*H)
    /// output     = head_input · Wᵀ + b                           (B, O)
    private func forwardHead() {
        let T = timesteps, B = batch, H = shape.hiddenSize, D = shape.directions
        let dh = D * H, O = shape.outputSize
        let top = workspace.layers[shape.layers - 1].output.pointer
        let hin = workspace.headInput.pointer
        for b in 0..<B {
            (hin + b * dh).update(from: top + ((T - 1) * B + b) * dh, count: H)
            if D == 2 { (hin + b * dh + H).update(from: top + b * dh + H, count: H) }
        }
        let w = headSlots.weight, bias = parameters.values + headSlots.bias
        let out = workspace.output.pointer
        for b in 0..<B { (out + b * O).update(from: bias, count: O) }
        Scalar.gemm(transposeA: false, transposeB: true, m: B, n: O, k: dh,
                    alpha: 1, a: hin, lda: dh, b: parameters.values + w, ldb: dh,
                    beta: 1, c: out, ldc: O)
    }

    // MARK: Backward

    /// Backpropagates dL/d(output), (batch, outputSize), through the last forward pass and adds
    /// the parameter gradients into `parameters.gradients` (zero them first for a fresh step).
    /// With `inputGradient`, dL/dx is kept and `inputGradient()` returns it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(_ dOutput: [Scalar], inputGradient: Bool = false) {
        precondition(dOutput.count == batch * shape.outputSize, "dOutput has the wrong size")
        dOutput.withUnsafeBufferPointer { runBackward(dOutput: $0.baseAddress!, inputGradient: inputGradient) }
    }

    /// LSTM and RNN steps of the top layer write dL/dh_{t-1} with their recurrent product instead
    /// of adding it (no other part of the network writes those rows); GRU steps also add a part
    /// of their own into dL/dh_{t-1}, so theirs add into zeros.
    var recurrentProductsOverwriteTopLayer: Bool { shape.cell != .gru }

    func runBackward(dOutput: UnsafePointer<Scalar>, inputGradient: Bool) {
        let T = timesteps, B = batch
        let dh = shape.hiddenSize * shape.directions
        // Only the top layer's: each layer below is overwritten by the dL/dX of the one above.
        // Where the steps overwrite it, only the rows the head adds into (t = T-1, and t = 0 for
        // the backward direction).
        let top = workspace.layers[shape.layers - 1].dOutput.pointer
        if recurrentProductsOverwriteTopLayer {
            (top + (T - 1) * B * dh).update(repeating: 0, count: B * dh)
            if shape.directions == 2 { top.update(repeating: 0, count: B * dh) }
        } else {
            top.update(repeating: 0, count: T * B * dh)
        }
        backwardHead(dOutput: dOutput)
        for k in stride(from: shape.layers - 1, through: 0, by: -1) {
            let below: UnsafeMutablePointer<Scalar>?
            if k > 0 {
                below = workspace.layers[k - 1].dOutput.pointer
            } else if inputGradient {
                below = workspace.dInput.pointer
            } else {
                below = nil
            }
            let input: UnsafePointer<Scalar>
            let inputWidth: Int
            if k == 0 {
                input = UnsafePointer(workspace.input.pointer)
                inputWidth = shape.inputSize
            } else {
                input = UnsafePointer(droppedInputPointer(layer: k))
                inputWidth = dh
            }
            for d in 0..<shape.directions {
                backwardDirection(layer: k, direction: d, input: input, inputWidth: inputWidth, dInput: below)
            }
            if k > 0 { backwardDropout(layer: k) }
        }
    }

    /// dW += dOutᵀ · head_input        (O, D*H)
    /// db += Σ_b dOut                   (O)
    /// d head_input = dOut · W          (B, D*H), scattered into the top layer's dOutput at
    ///                                  t = T-1 (forward half) and t = 0 (backward half).
    private func backwardHead(dOutput: UnsafePointer<Scalar>) {
        let T = timesteps, B = batch, H = shape.hiddenSize, D = shape.directions
        let dh = D * H, O = shape.outputSize
        let hin = workspace.headInput.pointer
        let gw = parameters.gradients + headSlots.weight
        let gb = parameters.gradients + headSlots.bias
        Scalar.gemm(transposeA: true, transposeB: false, m: O, n: dh, k: B,
                    alpha: 1, a: dOutput, lda: O, b: hin, ldb: dh, beta: 1, c: gw, ldc: dh)
        for b in 0..<B { for o in 0..<O { gb[o] += dOutput[b * O + o] } }
        let dhin = workspace.dHeadInput.pointer
        Scalar.gemm(transposeA: false, transposeB: false, m: B, n: dh, k: O,
                    alpha: 1, a: dOutput, lda: O, b: parameters.values + headSlots.weight, ldb: dh,
                    beta: 0, c: dhin, ldc: dh)
        let dTop = workspace.layers[shape.layers - 1].dOutput.pointer
        for b in 0..<B {
            let src = dhin + b * dh
            let fwd = dTop + ((T - 1) * B + b) * dh
            for j in 0..<H { fwd[j] += src[j] }
            if D == 2 {
                let bwd = dTop + b * dh + H
                for j in 0..<H { bwd[j] += src[H + j] }
            }
        }
    }

    /// dL/dx of the last backward pass that asked for it, (batch, timesteps, inputSize).
    public func inputGradient() -> [Scalar] {
        let T = timesteps, B = batch, n = shape.inputSize
        var out = [Scalar](repeating: 0, count: T * B * n)
        out.withUnsafeMutableBufferPointer { dst in
            for b in 0..<B {
                for t in 0..<T {
                    (dst.baseAddress! + (b * T + t) * n).update(from: workspace.dInput.pointer + (t * B + b) * n, count: n)
                }
            }
        }
        return out
    }

    // MARK: Parameter offsets

    struct DirectionSlots { let weightIH, weightHH, biasIH, biasHH: Int }

    private(set) lazy var directionSlots: [DirectionSlots] = (0..<shape.layers * shape.directions).map { i in
        let s = parameters.slots
        return DirectionSlots(weightIH: s[4 * i].offset, weightHH: s[4 * i + 1].offset,
                              biasIH: s[4 * i + 2].offset, biasHH: s[4 * i + 3].offset)
    }

    private(set) lazy var headSlots: (weight: Int, bias: Int) = {
        let s = parameters.slots
        return (s[s.count - 2].offset, s[s.count - 1].offset)
    }()
}
