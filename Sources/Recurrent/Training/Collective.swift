/// The processes of one distributed run and the collective operations that data-parallel
/// training and distributed backtests need. Every rank must make the same calls in the same
/// order; a call returns when all ranks have made it.
///
/// The `ForecastMPI` module implements it on MPI (`MPICollective`); `Trainer.collective` and
/// `Forecaster.collective` take one. Nothing in the engine depends on MPI itself.
public protocol Collective: AnyObject {
    /// This process: 0..<size. Rank 0 writes outputs.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces every element by its sum over all ranks.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Copies `root`'s bytes into the same buffer on every other rank.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int)
    /// Every rank's bytes, in rank order, on every rank.
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Every rank's bytes, in rank order, on `root`; nil on the other ranks. Only `root` receives,
    /// so collecting results costs one copy of them, not one per rank.
    func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]]?
}

extension Collective {
    /// The lowest rank whose `failed` is true, or nil when every rank succeeded. All ranks get
    /// the same answer, so they can stop together instead of waiting on one that left.
    public func firstFailure(_ failed: Bool) -> Int? {
        allGather([failed ? 1 : 0]).firstIndex { $0.first == 1 }
    }

    /// Runs `body` on every rank; when it throws on any rank, every rank throws: the lowest
    /// failing rank its own error, all others `DistributedError.peerFailed`, so that a failure
    /// is reported once and no rank is left waiting for the others.
    public func together<T>(_ body: () throws -> T) throws -> T {
        let result = Result { try body() }
        let failed: Bool
        if case .failure = result { failed = true } else { failed = false }
        if let first = firstFailure(failed) {
            if first == rank, case .failure(let error) = result { throw error }
            throw DistributedError.peerFailed(rank: first)
        }
        return try result.get()
    }
}

extension Optional where Wrapped == any Collective {
    /// `body` on every rank, failing on all when it fails on any (see `Collective.together`);
    /// without a collective, or with one rank, just `body`.
    public func together<T>(_ body: () throws -> T) throws -> T {
        guard let collective = self, collective.size > 1 else { return try body() }
        return try collective.together(body)
    }
}

/// Failures particular to a distributed run.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// Another rank failed; it reports its own error.
    case peerFailed(rank: Int)
    /// The ranks disagree on something that must be identical (data, options, shapes).
    case mismatch(String)

    public var description: String {
        switch self {
        case .peerFailed(let rank): "rank \(rank) failed (its error is reported there)"
        case .mismatch(let m): "the ranks disagree: \(m)"
        }
    }
}
