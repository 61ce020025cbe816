/// One named tensor inside the flat parameter vector.
public struct ParameterSlot: Equatable, Sendable {
    /// PyTorch `state_dict` name, e.g. `rnn.weight_hh_l1_reverse` or `head.bias`.
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// All parameters of a network in one contiguous vector, with the gradients beside them in a
/// second vector of the same layout. One vector makes the optimizer, gradient clipping and any
/// all-reduce a single loop over memory; the slots give each tensor its PyTorch name and shape.
public final class ParameterStore<Scalar: RecurrentScalar> {
    public let slots: [ParameterSlot]
    public let count: Int
    /// Raw storage, `count` scalars each. Valid for the life of the store. Read-only: writes go
    /// through `updateValues`, `setTensor`, `allValues` or `initialize`, which all advance
    /// `generation`.
    public var values: UnsafePointer<Scalar> { UnsafePointer(storage) }
    public let gradients: UnsafeMutablePointer<Scalar>
    private let storage: UnsafeMutablePointer<Scalar>
    /// The store whose values this one reads (a data-parallel replica); kept alive by this reference.
    private let valuesOwner: ParameterStore?
    private var ownGeneration: UInt64 = 0

    /// Advances on every write to the values (a replica follows the store it reads), so that
    /// what is derived from the weights (batch-1 prediction's packed W_hh) can tell it is stale.
    public var generation: UInt64 { valuesOwner?.ownGeneration ?? ownGeneration }

    /// Runs `body` on the writable values, then advances `generation`.
    public func updateValues<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        defer {
            if let valuesOwner { valuesOwner.ownGeneration &+= 1 } else { ownGeneration &+= 1 }
        }
        return try body(storage)
    }

    /// Slots in PyTorch's `named_parameters()` order: per layer, per direction, weight_ih,
    /// weight_hh, bias_ih, bias_hh; then head.weight and head.bias.
    public init(shape: NetworkShape) {
        var slots: [ParameterSlot] = []
        var offset = 0
        func add(_ name: String, _ dims: [Int]) {
            slots.append(ParameterSlot(name: name, shape: dims, offset: offset))
            offset += dims.reduce(1, *)
        }
        let gh = shape.cell.gateCount * shape.hiddenSize
        for layer in 0..<shape.layers {
            for direction in 0..<shape.directions {
                let suffix = "l\(layer)" + (direction == 1 ? "_reverse" : "")
                add("rnn.weight_ih_\(suffix)", [gh, shape.layerInputSize(layer)])
                add("rnn.weight_hh_\(suffix)", [gh, shape.hiddenSize])
                add("rnn.bias_ih_\(suffix)", [gh])
                add("rnn.bias_hh_\(suffix)", [gh])
            }
        }
        add("head.weight", [shape.outputSize, shape.hiddenSize * shape.directions])
        add("head.bias", [shape.outputSize])
        self.slots = slots
        count = offset
        storage = .allocateCacheAligned(offset)
        storage.initialize(repeating: 0, count: offset)
        gradients = .allocateCacheAligned(offset)
        gradients.initialize(repeating: 0, count: offset)
        valuesOwner = nil
    }

    /// A store that reads `other`'s values and has gradients of its own: what a data-parallel
    /// replica of a network needs.
    init(sharingValuesOf other: ParameterStore) {
        slots = other.slots
        count = other.count
        storage = other.storage
        gradients = .allocateCacheAligned(count)
        gradients.initialize(repeating: 0, count: count)
        // The store that owns the values, also for a replica of a replica: writes advance its generation.
        valuesOwner = other.valuesOwner ?? other
    }

    deinit {
        if valuesOwner == nil { storage.deallocate() }
        gradients.deallocate()
    }

    public func slot(named name: String) -> ParameterSlot? { slots.first { $0.name == name } }

    /// Every parameter, flattened in slot order.
    public var allValues: [Scalar] {
        get { Array(UnsafeBufferPointer(start: values, count: count)) }
        set {
            precondition(newValue.count == count, "parameter vector has \(newValue.count) values, expected \(count)")
            newValue.withUnsafeBufferPointer { source in updateValues { $0.update(from: source.baseAddress!, count: count) } }
        }
    }

    public var allGradients: [Scalar] { Array(UnsafeBufferPointer(start: gradients, count: count)) }

    /// The values of one tensor, row-major.
    public func tensor(_ name: String) -> [Scalar]? {
        slot(named: name).map { Array(UnsafeBufferPointer(start: values + $0.offset, count: $0.count)) }
    }

    public func gradient(_ name: String) -> [Scalar]? {
        slot(named: name).map { Array(UnsafeBufferPointer(start: gradients + $0.offset, count: $0.count)) }
    }

    /// Replaces one tensor; the name must exist and the shape must match exactly.
    public func setTensor(_ name: String, shape: [Int], values newValues: [Scalar]) throws {
        guard let s = slot(named: name) else {
            throw RecurrentError.parameterMismatch("unexpected tensor \(name)")
        }
        guard s.shape == shape, newValues.count == s.count else {
            throw RecurrentError.parameterMismatch("\(name) has shape \(shape), expected \(s.shape)")
        }
        newValues.withUnsafeBufferPointer { source in
            updateValues { ($0 + s.offset).update(from: source.baseAddress!, count: s.count) }
        }
    }

    public func zeroGradients() { gradients.update(repeating: 0, count: count) }

    /// PyTorch's default initialization: every recurrent tensor uniform in ±1/√hidden; the head's
    /// weight and bias uniform in ±1/√fan_in (what `kaiming_uniform_(a=√5)` works out to).
    public func initialize(shape: NetworkShape, generator: inout SeededGenerator) {
        let recurrentBound = 1 / Double(shape.hiddenSize).squareRoot()
        let headBound = 1 / Double(shape.hiddenSize * shape.directions).squareRoot()
        updateValues { values in
            for s in slots {
                let bound = s.name.hasPrefix("head.") ? headBound : recurrentBound
                for i in s.offset..<s.offset + s.count {
                    values[i] = Scalar(generator.uniform(bound: bound))
                }
            }
        }
    }
}
