#if canImport(Glibc)
import Glibc
#endif

/// Mini-batch training of a `RecurrentNetwork`: seeded shuffling each epoch, validation loss
/// per epoch, early stopping with the best weights restored, gradient clipping, and a guard that
/// stops on a NaN or infinite loss or gradient with the last good weights kept.
///
///     let trainer = Trainer(network: net, options: options)
///     let history = try trainer.fit(train: trainSet, validation: validationSet) { print($0) }
public final class Trainer<Scalar: RecurrentScalar> {
    public let network: RecurrentNetwork<Scalar>
    public let options: TrainingOptions
    public private(set) var optimizer: Optimizer
    public private(set) var history = TrainingHistory()
    private var shuffler: SeededGenerator
    private var targetBatch: [Scalar] = []
    private var gradientBatch: [Scalar] = []

    public init(network: RecurrentNetwork<Scalar>, options: TrainingOptions) {
        self.network = network
        self.options = options
        optimizer = Optimizer(options.optimizer, learningRate: options.learningRate, parameterCount: network.parameters.count)
        shuffler = SeededGenerator(seed: options.seed)
    }

    /// Trains for `options.epochs` epochs (fewer with early stopping). `progress` is called after
    /// every epoch. Throws `RecurrentError.nonFiniteLoss` / `.nonFiniteGradient` on divergence,
    /// with the network holding the last weights that gave a finite loss.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func fit(train: SampleSet<Scalar>, validation: SampleSet<Scalar>? = nil,
                    progress: ((EpochRecord) -> Void)? = nil) throws -> TrainingHistory {
        try options.validate()
        try checkCompatible(train)
        if let validation { try checkCompatible(validation) }
        guard train.count > 0 else { throw RecurrentError.invalidData("no training windows") }

        let parameters = network.parameters
        var best = parameters.allValues
        var lastGood = best
        var sinceImprovement = 0
        var order = Array(0..<train.count)

        for epoch in 1...options.epochs {
            let start = monotonicSeconds()
            if options.shuffle { shuffler.shuffle(&order) }
            var lossSum = 0.0
            var batchIndex = 0
            var begin = 0
            while begin < train.count {
                let end = min(begin + options.batchSize, train.count)
                batchIndex += 1
                let loss = runBatch(train, indices: order[begin..<end], training: true)
                guard loss.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: "\(loss)")
                }
                parameters.zeroGradients()
                gradientBatch.withUnsafeBufferPointer { network.runBackward(dOutput: $0.baseAddress!, inputGradient: false) }
                let norm = clipGradientNorm(parameters.gradients, count: parameters.count, maxNorm: options.clipNorm)
                guard norm.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteGradient(epoch: epoch, batch: batchIndex)
                }
                lastGood.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: parameters.values, count: parameters.count) }
                optimizer.update(values: parameters.values, gradients: parameters.gradients)
                lossSum += loss * Double(end - begin)
                begin = end
            }
            let trainLoss = lossSum / Double(train.count)
            let validationLoss = validation.map { evaluate($0) }
            let record = EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: validationLoss,
                                     seconds: monotonicSeconds() - start)
            history.epochs.append(record)
            progress?(record)

            let monitored = validationLoss ?? trainLoss
            guard monitored.isFinite else {
                parameters.allValues = lastGood
                throw RecurrentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: "\(monitored)")
            }
            if monitored < history.bestLoss - options.minDelta {
                history.bestLoss = monitored
                history.bestEpoch = epoch
                best = parameters.allValues
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
                if let patience = options.patience, sinceImprovement >= patience {
                    history.stoppedEarly = true
                    break
                }
            }
        }
        parameters.allValues = best
        return history
    }

    /// The mean loss over a sample set, without dropout, in batches.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(_ set: SampleSet<Scalar>) -> Double {
        guard set.count > 0 else { return .nan }
        var total = 0.0
        var begin = 0
        let step = max(options.batchSize, 256)
        while begin < set.count {
            let end = min(begin + step, set.count)
            total += runBatch(set, indices: begin..<end, training: false) * Double(end - begin)
            begin = end
        }
        return total / Double(set.count)
    }

    /// Forward on the windows at `indices`, gathered time-major straight into the workspace;
    /// returns the loss and leaves dL/doutput in `gradientBatch`.
    private func runBatch<C: Collection>(_ set: SampleSet<Scalar>, indices: C, training: Bool) -> Double where C.Element == Int {
        let B = indices.count, T = set.timesteps, I = set.inputSize, O = set.outputSize
        network.prepare(timesteps: T, batch: B)
        if targetBatch.count < B * O {
            targetBatch = Array(repeating: 0, count: B * O)
            gradientBatch = Array(repeating: 0, count: B * O)
        }
        let input = network.workspace.input.pointer
        set.inputs.withUnsafeBufferPointer { src in
            set.targets.withUnsafeBufferPointer { tgt in
                targetBatch.withUnsafeMutableBufferPointer { dstTarget in
                    for (b, index) in indices.enumerated() {
                        for t in 0..<T {
                            (input + (t * B + b) * I).update(from: src.baseAddress! + (index * T + t) * I, count: I)
                        }
                        (dstTarget.baseAddress! + b * O).update(from: tgt.baseAddress! + index * O, count: O)
                    }
                }
            }
        }
        network.runForward(training: training)
        return targetBatch.withUnsafeBufferPointer { t in
            gradientBatch.withUnsafeMutableBufferPointer { g in
                options.loss.evaluate(predicted: network.workspace.output.pointer, target: t.baseAddress!,
                                      count: B * O, gradient: training ? g.baseAddress! : nil)
            }
        }
    }

    private func checkCompatible(_ set: SampleSet<Scalar>) throws {
        let s = network.shape
        guard set.inputSize == s.inputSize, set.outputSize == s.outputSize else {
            throw RecurrentError.invalidData("windows have \(set.inputSize) inputs and \(set.outputSize) outputs; the network expects \(s.inputSize) and \(s.outputSize)")
        }
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
