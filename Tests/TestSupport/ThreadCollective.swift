import Foundation
import Recurrent

/// A `Collective` whose ranks are threads of this process: for testing distributed code paths
/// without MPI. Every operation is an exchange of byte arrays at a barrier; sums are done in
/// rank order, as a deterministic MPI reduction would.
public final class ThreadCollective: Collective, @unchecked Sendable {
    public let rank: Int
    public var size: Int { group.size }
    private let group: ThreadGroup

    init(rank: Int, group: ThreadGroup) {
        self.rank = rank
        self.group = group
    }

    /// Runs `body` once per rank, each on its own thread with its own collective, and returns
    /// what each returned or threw, in rank order.
    public static func run<T>(ranks: Int, _ body: @escaping @Sendable (ThreadCollective) throws -> T) -> [Result<T, Error>] {
        let group = ThreadGroup(size: ranks)
        let results = ResultBox<T>(count: ranks)
        let done = DispatchGroup()
        for r in 0..<ranks {
            done.enter()
            let thread = Thread {
                let outcome = Result { try body(ThreadCollective(rank: r, group: group)) }
                results.set(r, outcome)
                done.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        done.wait()
        return results.values.map { $0! }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { sum(values) }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { sum(values) }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) {
        let all = group.exchange(rank: rank, Array(bytes))
        if rank != root { all[root].withUnsafeBytes { bytes.copyMemory(from: $0) } }
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { group.exchange(rank: rank, bytes) }

    public func gather(_ bytes: [UInt8], to root: Int) -> [[UInt8]]? {
        let all = group.exchange(rank: rank, bytes)
        return rank == root ? all : nil
    }

    private func sum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
        let all = group.exchange(rank: rank, Array(UnsafeRawBufferPointer(values)))
        let parts = all.map { bytes in bytes.withUnsafeBytes { Array($0.bindMemory(to: T.self)) } }
        for i in values.indices {
            var s = parts[0][i]
            for r in 1..<parts.count { s += parts[r][i] }
            values[i] = s
        }
    }
}

/// The barrier behind `ThreadCollective`: each exchange returns once every rank has arrived.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var slots: [[UInt8]]
    private var result: [[UInt8]] = []

    init(size: Int) {
        self.size = size
        slots = Array(repeating: [], count: size)
    }

    func exchange(rank: Int, _ bytes: [UInt8]) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        slots[rank] = bytes
        arrived += 1
        let mine = generation
        if arrived == size {
            result = slots
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        return result
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<T, Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) {
        lock.lock()
        values[i] = r
        lock.unlock()
    }
}
