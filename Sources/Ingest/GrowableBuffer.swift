/// A manually managed, growable buffer for the parser's hot path: appends without the
/// uniqueness and bounds checks of `Array`. Owned by one builder, freed with `deallocate()`.
struct GrowableBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for index `count` and returns where to write it.
    @inline(__always)
    mutating func reserveNext() -> UnsafeMutablePointer<Element> {
        if count == capacity { grow() }
        return base + count
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        reserveNext().initialize(to: value)
        count += 1
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    func deallocate() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
