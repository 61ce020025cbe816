import CSpinPool
import CVectorMath
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
    /// Slot j of rank r is global slot r × threads + j; its dropout stream is seeded from that
    /// number, so N ranks of T threads draw the masks of one process with N × T threads.
    lazy var slots: [BatchSlot<Scalar>] = {
        let first = rank * threadsPerRank
        if first > 0 { network.seedDropout(options.seed &+ 0xD0 &+ UInt64(first)) }
        return [BatchSlot(network)] + (1..<threadsPerRank).map {
            BatchSlot(RecurrentNetwork(replicaOf: network, dropoutSeed: options.seed &+ 0xD0 &+ UInt64(first + $0)))
        }
    }()
    /// Where each local slot's share of the current batch begins and ends (none when the batch
    /// is too small to reach this rank).
    var parts: [Range<Int>] = []

    /// The processes this training is spread over (set before `fit`); nil trains in this
    /// process only. Every rank calls `fit` with the same data and options. Each runs forward
    /// and backward on its share of every batch and of the validation windows; gradients and
    /// losses are summed across ranks, so all ranks take the same steps and end with the same
    /// weights, those of one process with `threads` × ranks threads (up to the order of sums).
    public var collective: Collective?
    /// Seconds this trainer spent in collective calls (gradient and loss sums), for benchmarks.
    public internal(set) var communicationSeconds = 0.0
    /// Gradient sums across ranks so far.
    public internal(set) var gradientExchanges = 0

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
        try collective.together {
            try options.validate()
            try checkCompatible(train)
            if let validation { try checkCompatible(validation) }
            guard train.count > 0 else { throw RecurrentError.invalidData("no training windows") }
            if let saved { try restore(saved, windows: train.count) }
        }
        if ranks > 1 {
            // Collective calls of their own, outside `together`; they throw on every rank alike.
            try checkSameInputs(train: train, validation: validation)
            synchronizeWeights()
        }

        let parameters = network.parameters
        // Only the epoch-progress fields are kept up to date while training; `snapshot` fills in
        // the rest (weights, optimizer, generators) when a run stops.
        var state = saved ?? TrainingState(order: Array(0..<train.count), history: history,
                                           best: parameters.allValues.map(Double.init), shuffler: shuffler)
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
                // Ranks ask before the batch, so that the answer travels with the loss sum.
                let (loss, anyRankStops) = runBatch(train, indices: state.order[begin..<end], training: true,
                                                    stop: ranks > 1 && stopRequested?() == true)
                guard loss.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: "\(loss)")
                }
                sumGradients()
                let norm = clipGradientNorm(parameters.gradients, count: parameters.count, maxNorm: options.clipNorm)
                guard norm.isFinite else {
                    parameters.allValues = lastGood
                    throw RecurrentError.nonFiniteGradient(epoch: epoch, batch: batchIndex)
                }
                lastGood.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: parameters.values, count: parameters.count) }
                parameters.updateValues { values in
                    optimizer.update(values: values, gradients: parameters.gradients,
                                     split: parts.count == 2 ? { self.runParts($0, $1) } : nil)
                }
                state.lossSum += loss * Double(end - begin)
                state.nextWindow = end
                if ranks > 1 ? anyRankStops : stopRequested?() == true {
                    interruptedState = snapshot(state, best: best, lastGood: lastGood)
                    throw RecurrentError.interrupted(epoch: epoch, batch: batchIndex)
                }
            }
            if ranks > 1 { synchronizeWeights() }
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
        s.dropout = allDropoutStreams()
        return s
    }

    private func restore(_ s: TrainingState, windows: Int) throws {
        let n = network.parameters.count
        guard s.values.count == n, s.best.count == n, s.lastGood.count == n, s.optimizerFirst.count == n,
              s.optimizerSecond.count == n, s.order.count == windows, s.nextWindow <= windows,
              s.dropout.count == slots.count * ranks else {
            throw RecurrentError.invalidData("the saved training state does not match this network, data, thread or rank count")
        }
        network.parameters.allValues = s.values.map { Scalar($0) }
        optimizer = Optimizer(options.optimizer, learningRate: options.learningRate, step: s.optimizerStep,
                              first: s.optimizerFirst, second: s.optimizerSecond)
        shuffler = s.shuffler
        history = s.history
        for (slot, generator) in zip(slots, s.dropout[(rank * slots.count)...]) { slot.network.dropoutGenerator = generator }
    }

    /// The mean loss over a sample set, without dropout, in batches. With a `collective`, every
    /// rank must call it; each evaluates its share.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(_ set: SampleSet<Scalar>) -> Double {
        guard set.count > 0 else { return .nan }
        var total = 0.0
        var begin = 0
        let step = max(options.batchSize, 256)
        while begin < set.count {
            let end = min(begin + step, set.count)
            total += runBatch(set, indices: begin..<end, training: false).loss * Double(end - begin)
            begin = end
        }
        return total / Double(set.count)
    }

    /// Forward on the windows at `indices`; returns the mean loss over all of them (summed
    /// across ranks) and whether any rank asked to `stop`. When training, each slot that took
    /// part then runs its backward pass (its parameter gradients, from its dL/doutput scaled to
    /// the whole batch) right after its forward, without waiting for the other slots: one meeting
    /// of the threads per batch instead of two. A non-finite loss discards those gradients
    /// unused. The batch is cut
    /// into ranks × threads equal parts when every part gets at least `minimumShare` windows,
    /// else into one part, which rank 0 runs.
    func runBatch<C: Collection>(_ set: SampleSet<Scalar>, indices: C, training: Bool,
                                 stop: Bool = false) -> (loss: Double, stop: Bool) where C.Element == Int {
        let B = indices.count, T = slots.count
        let P = B >= ranks * T * Self.minimumShare ? ranks * T : 1
        let first = min(rank * T, P), last = min(rank * T + T, P)
        parts = (first..<last).map { g in B * g / P..<B * (g + 1) / P }
        let indices = Array(indices)
        var loss = 0.0
        if !parts.isEmpty {
            let slots = self.slots, parts = self.parts, lossKind = options.loss
            let work: @Sendable (Int) -> Void = { j in
                let share = Double(parts[j].count) / Double(B)
                slots[j].loss = slots[j].forward(set, indices: indices[parts[j]], loss: lossKind, training: training, share: share) * share
                if training { slots[j].backward() }
            }
            runParts(parts.count, work)
            loss = slots[..<parts.count].reduce(0) { $0 + $1.loss }
        }
        guard ranks > 1 else { return (loss, stop) }
        var sums = [loss, stop ? 1 : 0]
        timed { sums.withUnsafeMutableBufferPointer { collective!.allReduceSum($0) } }
        return (sums[0], sums[1] > 0)
    }

    /// The parameter gradients of the last training batch: those of every slot that took part,
    /// summed in slot order into `network.parameters.gradients` (slot 0's), then across ranks.
    private func sumGradients() {
        let n = parts.count
        if n == 0 {
            network.parameters.zeroGradients()
        } else if n > 1 {
            let total = network.parameters.gradients, count = network.parameters.count
            for r in 1..<n {
                let g = slots[r].network.parameters.gradients
                if Scalar.self == Float.self {
                    cvm_add(count, UnsafePointer(g.floats), total.floats)
                } else {
                    for i in 0..<count { total[i] += g[i] }
                }
            }
        }
        if ranks > 1 { sumGradientsAcrossRanks() }
    }

    /// work(0) ..< work(n) in parallel. Two parts go to CSpinPool's spinning helper, which is
    /// still awake from the last phase (a dispatch worker sleeps between a batch's phases, then
    /// forward and backward apart, and takes tens of microseconds to wake: `seed` training +5%,
    /// `stacked` +2%, medians of 3 alternating runs). A part never uses CSpinPool itself: its batch-1 paths need a
    /// single window, and a split batch gives every part `minimumShare` or more.
    private func runParts(_ n: Int, _ work: @escaping @Sendable (Int) -> Void) {
        switch n {
        case 1: work(0)
        case 2:
            var job = work
            withUnsafeMutablePointer(to: &job) { pointer in
                csp_run_pair({ context, part in
                    context!.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(Int(part))
                }, pointer)
            }
        default: DispatchQueue.concurrentPerform(iterations: n, execute: work)
        }
    }

    /// Below this many windows per thread, splitting a batch costs more than it saves.
    static var minimumShare: Int { 8 }

    /// The windows' inputs must fill the network's input, and their targets, times the loss's
    /// outputs per target (Q levels of a quantile head, else 1), its output.
    private func checkCompatible(_ set: SampleSet<Scalar>) throws {
        let s = network.shape, perTarget = options.loss.outputsPerTarget
        guard set.inputSize == s.inputSize, set.outputSize * perTarget == s.outputSize else {
            if perTarget == 1 {
                throw RecurrentError.invalidData("windows have \(set.inputSize) inputs and \(set.outputSize) outputs; the network expects \(s.inputSize) and \(s.outputSize)")
            }
            throw RecurrentError.invalidData("windows have \(set.inputSize) inputs and \(set.outputSize) target values; the \(options.loss.name) loss with \(perTarget) levels needs a network with \(set.inputSize) inputs and \(set.outputSize) × \(perTarget) = \(set.outputSize * perTarget) outputs, this one has \(s.inputSize) and \(s.outputSize)")
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
    /// slot's fraction of the whole batch. The network emits `loss.outputsPerTarget` outputs per
    /// target value (`Trainer.checkCompatible` made sure).
    func forward(_ set: SampleSet<Scalar>, indices: ArraySlice<Int>, loss: Loss, training: Bool, share: Double) -> Double {
        // O target values per window, P = O × outputsPerTarget network outputs.
        let B = indices.count, T = set.timesteps, I = set.inputSize, O = set.outputSize, P = network.shape.outputSize
        precondition(P == O * loss.outputsPerTarget, "\(P) network outputs for \(O) targets and the \(loss.name) loss")
        network.prepare(timesteps: T, batch: B)
        if target.count < B * O { target = Array(repeating: 0, count: B * O) }
        if gradient.count < B * P { gradient = Array(repeating: 0, count: B * P) }
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
                // output (B, P), target (B, O), gradient (B, P)
                loss.evaluate(predicted: network.workspace.output.pointer, target: t.baseAddress!,
                              targetCount: B * O, gradient: training ? g.baseAddress! : nil)
            }
        }
        if training && share != 1 {
            let s = Scalar(share)
            for i in 0..<B * P { gradient[i] *= s }
        }
        return value
    }

    /// Fresh gradients for this slot's last forward.
    func backward() {
        network.parameters.zeroGradients()
        gradient.withUnsafeBufferPointer { network.runBackward(dOutput: $0.baseAddress!, inputGradient: false) }
    }
}
