import Dispatch
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
    /// Slot 0 is `network`; with `options.threads` > 1, replicas that share its weights follow.
    private lazy var slots: [BatchSlot<Scalar>] = [BatchSlot(network)] + (1..<max(1, options.threads)).map {
        BatchSlot(RecurrentNetwork(replicaOf: network, dropoutSeed: options.seed &+ 0xD0 &+ UInt64($0)))
    }
    /// Where each slot's share of the current batch begins and ends.
    private var parts: [Range<Int>] = []

    public init(network: RecurrentNetwork<Scalar>, options: TrainingOptions) {
        self.network = network
        self.options = options
        optimizer = Optimizer(options.optimizer, learningRate: options.learningRate, parameterCount: network.parameters.count)
        shuffler = SeededGenerator(seed: options.seed)
    }

    /// Asked after every batch; when it returns true, training stops at that batch boundary,
    /// `interruptedState` holds what `fit(…, resumingFrom:)` needs to continue, and `fit` throws
    /// `RecurrentError.interrupted`.
    public var stopRequested: (@Sendable () -> Bool)?
    public private(set) var interruptedState: TrainingState?

    /// Trains for `options.epochs` epochs (fewer with early stopping). `progress` is called after
    /// every epoch. Throws `RecurrentError.nonFiniteLoss` / `.nonFiniteGradient` on divergence,
    /// with the network holding the last weights that gave a finite loss. With `resumingFrom`,
    /// continues an interrupted run exactly: same data and options give the same weights as a
    /// run that was never stopped.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func fit(train: SampleSet<Scalar>, validation: SampleSet<Scalar>? = nil, resumingFrom saved: TrainingState? = nil,
                    progress: ((EpochRecord) -> Void)? = nil) throws -> TrainingHistory {
        try options.validate()
        try checkCompatible(train)
        if let validation { try checkCompatible(validation) }
        guard train.count > 0 else { throw RecurrentError.invalidData("no training windows") }

        let parameters = network.parameters
        // Only the epoch-progress fields are kept up to date while training; `snapshot` fills in
        // the rest (weights, optimizer, generators) when a run stops.
        var state = saved ?? TrainingState(order: Array(0..<train.count), history: history,
                                           best: parameters.allValues.map(Double.init), shuffler: shuffler)
        if let saved { try restore(saved, windows: train.count) }
        var best = state.best.map { Scalar($0) }
        var lastGood = saved.map { $0.lastGood.map { Scalar($0) } } ?? parameters.allValues
        interruptedState = nil

        while state.epoch <= options.epochs {
            let epoch = state.epoch
            let start = monotonicSeconds()
            if !state.epochStarted {
                if options.shuffle { shuffler.shuffle(&state.order) }
                state.epochStarted = true
            }
            while state.nextWindow < train.count {
                let begin = state.nextWindow, end = min(begin + options.batchSize, train.count)
                state.batchIndex += 1
                let batchIndex = state.batchIndex
                let loss = runBatch(train, indices: state.order[begin..<end], training: true)
                guard loss.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: "\(loss)")
                }
                backward()
                let norm = clipGradientNorm(parameters.gradients, count: parameters.count, maxNorm: options.clipNorm)
                guard norm.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteGradient(epoch: epoch, batch: batchIndex)
                }
                lastGood.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: parameters.values, count: parameters.count) }
                optimizer.update(values: parameters.values, gradients: parameters.gradients)
                state.lossSum += loss * Double(end - begin)
                state.nextWindow = end
                if let stopRequested, stopRequested() {
                    interruptedState = snapshot(state, best: best, lastGood: lastGood)
                    throw RecurrentError.interrupted(epoch: epoch, batch: batchIndex)
                }
            }
            let trainLoss = state.lossSum / Double(train.count)
            let validationLoss = validation.map { evaluate($0) }
            let record = EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: validationLoss,
                                     seconds: monotonicSeconds() - start)
            history.epochs.append(record)
            progress?(record)
            let lastBatch = state.batchIndex
            state.startEpoch(epoch + 1)

            let monitored = validationLoss ?? trainLoss
            guard monitored.isFinite else {
                parameters.allValues = lastGood
                throw RecurrentError.nonFiniteLoss(epoch: epoch, batch: lastBatch, value: "\(monitored)")
            }
            if monitored < history.bestLoss - options.minDelta {
                history.bestLoss = monitored
                history.bestEpoch = epoch
                best = parameters.allValues
                state.sinceImprovement = 0
            } else {
                state.sinceImprovement += 1
                if let patience = options.patience, state.sinceImprovement >= patience {
                    history.stoppedEarly = true
                    break
                }
            }
        }
        parameters.allValues = best
        return history
    }

    /// Everything of the running state, weights included, at a batch boundary.
    private func snapshot(_ state: TrainingState, best: [Scalar], lastGood: [Scalar]) -> TrainingState {
        var s = state
        s.history = history
        s.best = best.map(Double.init)
        s.lastGood = lastGood.map(Double.init)
        s.values = network.parameters.allValues.map(Double.init)
        s.optimizerStep = optimizer.step
        s.optimizerFirst = optimizer.first
        s.optimizerSecond = optimizer.second
        s.shuffler = shuffler
        s.dropout = slots.map(\.network.dropoutGenerator)
        return s
    }

    private func restore(_ s: TrainingState, windows: Int) throws {
        let n = network.parameters.count
        guard s.values.count == n, s.best.count == n, s.lastGood.count == n, s.optimizerFirst.count == n,
              s.optimizerSecond.count == n, s.order.count == windows, s.nextWindow <= windows,
              s.dropout.count == slots.count else {
            throw RecurrentError.invalidData("the saved training state does not match this network, data or thread count")
        }
        network.parameters.allValues = s.values.map { Scalar($0) }
        optimizer = Optimizer(options.optimizer, learningRate: options.learningRate, step: s.optimizerStep,
                              first: s.optimizerFirst, second: s.optimizerSecond)
        shuffler = s.shuffler
        history = s.history
        for (slot, generator) in zip(slots, s.dropout) { slot.network.dropoutGenerator = generator }
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

    /// Forward on the windows at `indices`; returns the mean loss and, when training, leaves each
    /// slot's dL/doutput (scaled to the whole batch) in its `gradient`. Batches large enough
    /// for every slot to get at least `minimumShare` windows are split across the slots.
    private func runBatch<C: Collection>(_ set: SampleSet<Scalar>, indices: C, training: Bool) -> Double where C.Element == Int {
        let B = indices.count
        let n = B >= slots.count * Self.minimumShare ? slots.count : 1
        parts = (0..<n).map { r in B * r / n..<B * (r + 1) / n }
        let indices = Array(indices)
        if n == 1 { return slots[0].forward(set, indices: indices[...], loss: options.loss, training: training, share: 1) }
        let slots = self.slots, parts = self.parts, loss = options.loss
        DispatchQueue.concurrentPerform(iterations: n) { r in
            let share = Double(parts[r].count) / Double(B)
            slots[r].loss = slots[r].forward(set, indices: indices[parts[r]], loss: loss, training: training, share: share) * share
        }
        return slots[..<n].reduce(0) { $0 + $1.loss }
    }

    /// Backward for the last training batch: the parameter gradients of every slot that took
    /// part, summed in slot order into `network.parameters.gradients`.
    private func backward() {
        let n = parts.count
        if n == 1 {
            slots[0].backward()
            return
        }
        let slots = self.slots
        DispatchQueue.concurrentPerform(iterations: n) { r in slots[r].backward() }
        let total = network.parameters.gradients, count = network.parameters.count
        for r in 1..<n {
            let g = slots[r].network.parameters.gradients
            for i in 0..<count { total[i] += g[i] }
        }
    }

    /// Below this many windows per thread, splitting a batch costs more than it saves.
    static var minimumShare: Int { 8 }

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

/// One network and its batch buffers: the trainer's own network, or a data-parallel replica.
final class BatchSlot<Scalar: RecurrentScalar>: @unchecked Sendable {
    let network: RecurrentNetwork<Scalar>
    private var target: [Scalar] = []
    private var gradient: [Scalar] = []
    /// This slot's share of the last batch's loss.
    var loss = 0.0

    init(_ network: RecurrentNetwork<Scalar>) { self.network = network }

    /// Gathers the windows at `indices` time-major into the workspace, runs forward, and returns
    /// the mean loss over them; when training, keeps dL/doutput multiplied by `share`, this
    /// slot's fraction of the whole batch.
    func forward(_ set: SampleSet<Scalar>, indices: ArraySlice<Int>, loss: Loss, training: Bool, share: Double) -> Double {
        let B = indices.count, T = set.timesteps, I = set.inputSize, O = set.outputSize
        network.prepare(timesteps: T, batch: B)
        if target.count < B * O {
            target = Array(repeating: 0, count: B * O)
            gradient = Array(repeating: 0, count: B * O)
        }
        let input = network.workspace.input.pointer
        set.inputs.withUnsafeBufferPointer { src in
            set.targets.withUnsafeBufferPointer { tgt in
                target.withUnsafeMutableBufferPointer { dstTarget in
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
        let value = target.withUnsafeBufferPointer { t in
            gradient.withUnsafeMutableBufferPointer { g in
                loss.evaluate(predicted: network.workspace.output.pointer, target: t.baseAddress!,
                              count: B * O, gradient: training ? g.baseAddress! : nil)
            }
        }
        if training && share != 1 {
            let s = Scalar(share)
            for i in 0..<B * O { gradient[i] *= s }
        }
        return value
    }

    /// Fresh gradients for this slot's last forward.
    func backward() {
        network.parameters.zeroGradients()
        gradient.withUnsafeBufferPointer { network.runBackward(dOutput: $0.baseAddress!, inputGradient: false) }
    }
}
