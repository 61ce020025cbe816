/// The parts of `Trainer` that talk to the other ranks of a distributed run.
extension Trainer {
    var ranks: Int { collective?.size ?? 1 }
    var rank: Int { collective?.rank ?? 0 }
    var threadsPerRank: Int { max(1, options.threads) }

    /// Before the first batch: every rank must hold the same training and validation windows
    /// and options; a host that read another file would otherwise train on a silent mixture.
    /// Throws on every rank; rank 0 says why, the others `peerFailed`.
    func checkSameInputs(train: SampleSet<Scalar>, validation: SampleSet<Scalar>?) throws {
        var sets = Fingerprint()
        sets.add(train)
        if let validation { sets.add(validation) }
        var settings = Fingerprint()
        for v in [options.epochs, options.batchSize, threadsPerRank, Int(truncatingIfNeeded: options.seed),
                  options.shuffle ? 1 : 0, options.patience ?? -1, network.parameters.count] { settings.add(UInt64(bitPattern: Int64(v))) }
        settings.add(options.learningRate.bitPattern)
        let all = collective!.allGather(Fingerprint.bytes(of: [sets.value, settings.value]))
        if let other = all.indices.first(where: { all[$0] != all[0] }) {
            guard rank == 0 else { throw DistributedError.peerFailed(rank: 0) }
            throw DistributedError.mismatch(all[other][..<8] != all[0][..<8]
                ? "rank \(other) has other training or validation windows than rank 0; every rank must read the same data"
                : "rank \(other) has other training options, threads or network size than rank 0")
        }
    }

    /// Sums the batch's gradients over all ranks in place.
    func sumGradientsAcrossRanks() {
        let g = network.parameters.gradients, n = network.parameters.count
        timed {
            if Scalar.self == Float.self {
                collective!.allReduceSum(UnsafeMutableBufferPointer(start: g.floats, count: n))
            } else {
                collective!.allReduceSum(UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(g).assumingMemoryBound(to: Double.self), count: n))
            }
        }
        gradientExchanges += 1
    }

    /// Rank 0's weights overwrite the others': at the start, and once an epoch so that a sum an
    /// MPI library rounds differently on different ranks cannot make them drift apart.
    func synchronizeWeights() {
        network.parameters.updateValues { values in
            withBuffer(values, network.parameters.count) { collective!.broadcast($0, from: 0) }
        }
    }

    /// The dropout streams of every slot of every rank, in global slot order.
    func allDropoutStreams() -> [SeededGenerator] {
        let local = slots.map(\.network.dropoutGenerator)
        guard ranks > 1 else { return local }
        let parts = collective!.allGather(Fingerprint.bytes(of: local.flatMap(\.words)))
        return parts.flatMap { bytes -> [SeededGenerator] in
            let words = Fingerprint.words(of: bytes)
            return stride(from: 0, to: words.count, by: 4).map { SeededGenerator(words: Array(words[$0..<$0 + 4])) }
        }
    }

    func timed(_ body: () -> Void) {
        let start = monotonicSeconds()
        body()
        communicationSeconds += monotonicSeconds() - start
    }

    private func withBuffer(_ p: UnsafeMutablePointer<Scalar>, _ n: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        body(UnsafeMutableRawBufferPointer(start: p, count: n * MemoryLayout<Scalar>.stride))
    }
}

/// FNV-1a over 64-bit words: cheap enough to run over every window before training.
struct Fingerprint {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ word: UInt64) {
        value = (value ^ word) &* 0x100_0000_01B3
    }

    mutating func add<Scalar: RecurrentScalar>(_ set: SampleSet<Scalar>) {
        for v in [set.count, set.timesteps, set.inputSize, set.outputSize] { add(UInt64(v)) }
        // Bit patterns, not hashValue: Swift seeds hashing differently in every process.
        for x in set.inputs { add(Double(x).bitPattern) }
        for y in set.targets { add(Double(y).bitPattern) }
    }

    static func bytes(of words: [UInt64]) -> [UInt8] {
        words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }

    static func words(of bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - 7, by: 8).map { i in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * $1) }
        }
    }
}
