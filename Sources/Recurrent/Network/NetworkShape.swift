/// The architecture of a network: a stack of recurrent layers followed by a linear head that reads
/// the final hidden state of each top-layer direction and emits `outputSize` numbers
/// (horizon × targets for direct multi-step forecasting).
public struct NetworkShape: Codable, Equatable, Sendable {
    public var cell: CellKind
    public var inputSize: Int
    public var hiddenSize: Int
    public var layers: Int
    public var bidirectional: Bool
    public var outputSize: Int
    /// Dropout probability applied to the output of every layer but the last, in training only.
    public var dropout: Double

    public init(cell: CellKind = .lstm, inputSize: Int, hiddenSize: Int, layers: Int = 1,
                bidirectional: Bool = false, outputSize: Int, dropout: Double = 0) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.outputSize = outputSize
        self.dropout = dropout
    }

    public var directions: Int { bidirectional ? 2 : 1 }

    /// Width of layer `layer`'s input: the data for layer 0, both directions' states above it.
    public func layerInputSize(_ layer: Int) -> Int { layer == 0 ? inputSize : hiddenSize * directions }

    /// Throws when a size is out of range, with a message that names it.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw RecurrentError.invalidShape(message) }
        }
        try check(inputSize >= 1, "input size must be at least 1, got \(inputSize)")
        try check(hiddenSize >= 1, "hidden size must be at least 1, got \(hiddenSize)")
        try check(layers >= 1, "layers must be at least 1, got \(layers)")
        try check(outputSize >= 1, "output size must be at least 1, got \(outputSize)")
        try check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got \(dropout)")
        try check(parameterCount <= Self.maximumParameters,
                  "\(parameterCount) parameters is more than the \(Self.maximumParameters) this engine allows (lower the hidden size or layers)")
    }

    /// Every weight and bias, computed without allocating (and without overflow for any sizes
    /// that pass the other checks: the count saturates).
    public var parameterCount: Int {
        let g = cell.gateCount, h = hiddenSize, d = directions
        var total = 0
        for layer in 0..<layers {
            let perDirection = g.multipliedReportingOverflow(by: h).partialValue
                .multipliedReportingOverflow(by: layerInputSize(layer) &+ h &+ 2)
            if perDirection.overflow { return Int.max }
            let (sum, overflow) = total.addingReportingOverflow(perDirection.partialValue &* d)
            if overflow || perDirection.partialValue > Int.max / 2 { return Int.max }
            total = sum
        }
        let head = outputSize.multipliedReportingOverflow(by: h &* d &+ 1)
        if head.overflow { return Int.max }
        return total.addingReportingOverflow(head.partialValue).overflow ? Int.max : total + head.partialValue
    }

    /// 100 million parameters: with gradients and Adam's moments, about 2.4 GB.
    public static let maximumParameters = 100_000_000
}
