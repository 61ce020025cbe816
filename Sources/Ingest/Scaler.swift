/// How columns are scaled before windowing.
public enum ScalerKind: String, Sendable, Codable, CaseIterable {
    /// Mean 0 and (population) standard deviation 1 over the training rows.
    case standard
    /// Training minimum to 0 and maximum to 1.
    case minmax
    /// Values unchanged.
    case none
}

/// A per-column affine scaling `scaled = (x - offset) / scale`, fitted on training rows only.
///
/// The parameters are stored as `Float`, exactly as they are serialized, so a scaler read
/// back from a model file transforms bit-for-bit like the one that was fitted. A column
/// that is constant over the training rows gets scale 1.
public struct Scaler: Sendable, Equatable {
    public var kind: ScalerKind
    public var columnNames: [String]
    public var offset: [Float]
    public var scale: [Float]

    public init(kind: ScalerKind, columnNames: [String], offset: [Float], scale: [Float]) throws {
        guard offset.count == columnNames.count, scale.count == columnNames.count else {
            throw IngestError("scaler has \(columnNames.count) columns but \(offset.count) offsets and \(scale.count) scales")
        }
        for (j, name) in columnNames.enumerated() {
            guard offset[j].isFinite, scale[j].isFinite, scale[j] != 0 else {
                throw IngestError("scaler column \(IngestError.quote(name)): offset \(offset[j]) and scale \(scale[j]) must be finite and the scale non-zero")
            }
        }
        if let duplicate = Table.firstDuplicate(columnNames) {
            throw IngestError("scaler column \(IngestError.quote(duplicate)) appears twice")
        }
        self.kind = kind
        self.columnNames = columnNames
        self.offset = offset
        self.scale = scale
    }

    /// Fits one column per name of `table` on `rows` only (the training part).
    public static func fit(_ kind: ScalerKind, table: Table, columns names: [String], rows: Range<Int>) throws -> Scaler {
        let columns = try names.map { try table.column(named: $0) }
        return try fit(kind, columns: columns, names: names, rows: rows, source: table.source)
    }

    /// Fits one scaler column per entry of `columns`, looking only at `rows`.
    public static func fit(_ kind: ScalerKind, columns: [[Double]], names: [String], rows: Range<Int>, source: String? = nil) throws -> Scaler {
        guard names.count == columns.count else {
            throw IngestError(file: source, "\(names.count) names for \(columns.count) columns")
        }
        guard !rows.isEmpty else { throw IngestError(file: source, "cannot fit a scaler on an empty range of rows") }
        var offsets: [Float] = []
        var scales: [Float] = []
        for (name, column) in zip(names, columns) {
            guard rows.lowerBound >= 0, rows.upperBound <= column.count else {
                throw IngestError(file: source, "scaler rows \(rows.lowerBound)..<\(rows.upperBound) outside column \(IngestError.quote(name)) of \(column.count) rows")
            }
            let values = column[rows]
            if values.contains(where: { $0.isNaN }) {
                throw IngestError(file: source, "column \(IngestError.quote(name)) has missing values in the training rows; apply a missing-value policy before scaling")
            }
            switch kind {
            case .none:
                offsets.append(0)
                scales.append(1)
            case .standard:
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                let std = variance.squareRoot()
                offsets.append(Float(mean))
                scales.append(std > 0 && Float(std) > 0 ? Float(std) : 1)
            case .minmax:
                let low = values.min()!, high = values.max()!
                offsets.append(Float(low))
                scales.append(high > low && Float(high - low) > 0 ? Float(high - low) : 1)
            }
        }
        return try Scaler(kind: kind, columnNames: names, offset: offsets, scale: scales)
    }

    public func transform(_ value: Double, column j: Int) -> Float {
        Float((value - Double(offset[j])) / Double(scale[j]))
    }

    public func inverseTransform(_ value: Float, column j: Int) -> Double {
        Double(value) * Double(scale[j]) + Double(offset[j])
    }

    /// Scales whole columns given in the scaler's column order.
    public func transform(columns: [[Double]]) throws -> [[Float]] {
        try checkCount(columns.count)
        return columns.enumerated().map { j, column in column.map { transform($0, column: j) } }
    }

    /// Scales the scaler's columns taken from `table` by name.
    public func transform(table: Table) throws -> [[Float]] {
        try transform(columns: columnNames.map { try table.column(named: $0) })
    }

    /// Undoes `transform(columns:)`.
    public func inverseTransform(columns: [[Float]]) throws -> [[Double]] {
        try checkCount(columns.count)
        return columns.enumerated().map { j, column in column.map { inverseTransform($0, column: j) } }
    }

    /// Undoes the scaling of a flattened array whose last dimension runs over `names`
    /// (e.g. predictions shaped (N, horizon, targetDim) for the target columns).
    public func inverseTransform(flattened values: [Float], columns names: [String]) throws -> [Double] {
        let indices = try names.map { name -> Int in
            guard let j = columnNames.firstIndex(of: name) else {
                throw IngestError("scaler has no column \(IngestError.quote(name)); it has: \(columnNames.joined(separator: ", "))")
            }
            return j
        }
        guard !indices.isEmpty, values.count % indices.count == 0 else {
            throw IngestError("\(values.count) values do not divide into rows of \(indices.count) columns")
        }
        return values.enumerated().map { k, v in inverseTransform(v, column: indices[k % indices.count]) }
    }

    private func checkCount(_ count: Int) throws {
        guard count == columnNames.count else {
            throw IngestError("scaler fitted on \(columnNames.count) columns, given \(count)")
        }
    }

    /// The parameters as named tensors (`offset`, `scale`, one value per column), for a
    /// model file; `kind` and `columnNames` go into its metadata.
    public var tensors: [String: [Float]] { ["offset": offset, "scale": scale] }

    /// Rebuilds a scaler from `tensors` and its metadata, checking every length.
    public init(kind: ScalerKind, columnNames: [String], tensors: [String: [Float]]) throws {
        guard let offset = tensors["offset"], let scale = tensors["scale"] else {
            throw IngestError("scaler tensors must include \"offset\" and \"scale\"; found: \(tensors.keys.sorted().joined(separator: ", "))")
        }
        try self.init(kind: kind, columnNames: columnNames, offset: offset, scale: scale)
    }
}
