/// A growable, manually managed block of scalars: the engine's workspaces. Unlike `[Scalar]` it
/// never copies on write and never checks exclusivity, so kernels can hold several pointers into
/// the same workspace at once.
final class ScalarBuffer<Scalar: RecurrentScalar> {
    private(set) var pointer: UnsafeMutablePointer<Scalar>
    private(set) var capacity: Int

    init(count: Int = 0) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` scalars. Contents are kept only when no growth was needed.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    func zero(_ count: Int) { pointer.update(repeating: 0, count: count) }

    subscript(offset: Int) -> UnsafeMutablePointer<Scalar> { pointer + offset }
}
