/// A growable, manually managed block of scalars: the engine's workspaces. Unlike `[Scalar]` it
/// never copies on write and never checks exclusivity, so kernels can hold several pointers into
/// the same workspace at once.
final class ScalarBuffer<Scalar: RecurrentScalar> {
    private(set) var pointer: UnsafeMutablePointer<Scalar>
    private(set) var capacity: Int

    init(count: Int = 0) {
        capacity = max(count, 1)
        pointer = .allocateCacheAligned(capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` scalars. Contents are kept only when no growth was needed.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocateCacheAligned(count)
        pointer.initialize(repeating: 0, count: count)
    }

    func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }

    subscript(offset: Int) -> UnsafeMutablePointer<Scalar> { pointer + offset }
}

extension UnsafeMutablePointer where Pointee: RecurrentScalar {
    /// Uninitialized room for `count` scalars starting on a 64-byte cache line. With malloc's
    /// 16-byte alignment, every other 32-byte AVX load of a weight row crossed a cache line
    /// (512 × 256 rows times a vector: 7.7–8.4 µs at 16 bytes off, 7.0 µs aligned).
    static func allocateCacheAligned(_ count: Int) -> Self {
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Pointee>.stride, alignment: 64)
            .bindMemory(to: Pointee.self, capacity: count)
    }
}
