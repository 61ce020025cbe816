import Foundation

/// A trained forecaster as it lives on disk: the configuration, the network and the per-column
/// scaling, in one `.safetensors` file.
///
/// Tensors: the network's under PyTorch names prefixed `rnn.` and `head.`; `scaler.offset` and
/// `scaler.scale` (one value per column of `config.columns`; x_scaled = (x - offset) / scale).
/// `__metadata__`: `format` ("swift-forecast"), `format_version`, `config` (ForecastConfig as
/// JSON), `info` (JSON: training summary, last timestamp of the data, frequency), and from
/// format version 2 `statistical` (JSON: per target, the fitted ETS and Theta models and the
/// network's target adjustment), and `calibration` (JSON: per target, the conformal calibration
/// of its prediction intervals; absent in files written before intervals existed, which then
/// forecast without them). A model without a network member has no `rnn.`/`head.` tensors.
public struct ForecastModel {
    public var config: ForecastConfig
    /// The network; nil when the configuration's members have none.
    public let network: RecurrentNetwork<Float>?
    public var scalerOffset: [Float]
    public var scalerScale: [Float]
    /// The recipe's statistical parts, one per target (empty in version 1 files).
    public var statistical: [TargetModels]
    /// The prediction intervals' calibration, one per target that has one (see ``IntervalCalibration``).
    public var calibrations: [IntervalCalibration]
    /// Free-form facts about training, kept as JSON in the file.
    public var info: [String: String]

    public init(config: ForecastConfig, network: RecurrentNetwork<Float>?, scalerOffset: [Float], scalerScale: [Float],
                statistical: [TargetModels] = [], calibrations: [IntervalCalibration] = [], info: [String: String] = [:]) {
        self.config = config
        self.network = network
        self.scalerOffset = scalerOffset
        self.scalerScale = scalerScale
        self.statistical = statistical
        self.calibrations = calibrations
        self.info = info
    }

    public func encoded() throws -> [UInt8] {
        var tensors: [String: StoredTensor] = [:]
        if let parameters = network?.parameters {
            for slot in parameters.slots {
                tensors[slot.name] = StoredTensor(shape: slot.shape, values: parameters.tensor(slot.name)!)
            }
        }
        tensors["scaler.offset"] = StoredTensor(shape: [scalerOffset.count], values: scalerOffset)
        tensors["scaler.scale"] = StoredTensor(shape: [scalerScale.count], values: scalerScale)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "format": "swift-forecast",
            "format_version": String(ForecastConfig.formatVersion),
            "config": String(decoding: try encoder.encode(config), as: UTF8.self),
            "info": String(decoding: try encoder.encode(info), as: UTF8.self),
            "statistical": String(decoding: try encoder.encode(statistical), as: UTF8.self),
            "calibration": String(decoding: try encoder.encode(calibrations), as: UTF8.self),
        ]
        return try SafeTensors.encode(tensors: tensors, metadata: metadata)
    }

    /// Writes atomically: the old file, if any, stays intact until the new one is complete.
    public func save(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    public static func load(path: String) throws -> ForecastModel {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        return try decode(Array(data), name: name)
    }

    /// Validates a model file's bytes: container, metadata, configuration, and every tensor's
    /// name and shape against what the configuration implies.
    public static func decode(_ bytes: [UInt8], name: String) throws -> ForecastModel {
        func fail(_ m: String) -> ModelFileError { ModelFileError(file: name, message: m) }
        let contents = try SafeTensors.decode(bytes, name: name)
        let meta = contents.metadata
        guard let version = meta["format_version"].flatMap(Int.init) else { throw fail("no format_version in __metadata__") }
        guard ForecastConfig.readableFormatVersions.contains(version) else {
            let known = ForecastConfig.readableFormatVersions
            throw fail("format version \(version) is not supported (this build reads \(known.lowerBound) to \(known.upperBound))")
        }
        guard let configText = meta["config"] else { throw fail("no config in __metadata__") }
        let config: ForecastConfig
        do {
            config = try JSONDecoder().decode(ForecastConfig.self, from: Data(configText.utf8))
            try config.validate()
        } catch let e as ForecastError {
            throw fail("config in __metadata__ is invalid: \(e)")
        } catch {
            throw fail("config in __metadata__ is not a valid configuration")
        }
        let info = meta["info"].flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        var statistical: [TargetModels] = []
        if let text = meta["statistical"] {
            guard let parts = try? JSONDecoder().decode([TargetModels].self, from: Data(text.utf8)) else {
                throw fail("statistical in __metadata__ is not valid")
            }
            statistical = parts
        }
        let classical = config.members.contains { $0 != .network }
        guard statistical.map(\.target) == (classical || (config.hasNetwork && config.transform != .none) ? config.targets : []) else {
            throw fail("statistical in __metadata__ must hold one entry per target (\(config.targets.joined(separator: ", ")))")
        }

        var calibrations: [IntervalCalibration] = []
        if let text = meta["calibration"] {
            guard let parts = try? JSONDecoder().decode([IntervalCalibration].self, from: Data(text.utf8)) else {
                throw fail("calibration in __metadata__ is not valid")
            }
            for part in parts {
                guard config.targets.contains(part.target), part.stepScales.count == config.horizon,
                      part.stepScales.allSatisfy({ $0.isFinite && $0 > 0 }), !part.scores.isEmpty,
                      part.scores.allSatisfy({ $0.isFinite && $0 >= 0 }), part.scoreCount >= part.scores.count,
                      part.typicalSpread.isFinite, part.typicalSpread >= 0, part.spreadWindow >= 1,
                      part.quantileIntervals.allSatisfy({ q in
                          config.quantileLevels.indices.contains(q.lower) && config.quantileLevels.indices.contains(q.upper)
                              && q.level > 0 && q.level < 1 && !q.scores.isEmpty && q.scores.allSatisfy(\.isFinite) && q.scoreCount >= q.scores.count
                      }) else {
                    throw fail("calibration in __metadata__ for \(part.target) is not valid for this configuration")
                }
            }
            calibrations = parts
        }
        let network = config.hasNetwork ? try RecurrentNetwork<Float>(shape: config.networkShape) : nil
        var expected = Set(network?.parameters.slots.map(\.name) ?? [])
        expected.formUnion(["scaler.offset", "scaler.scale"])
        let present = Set(contents.tensors.keys)
        if let missing = expected.subtracting(present).sorted().first { throw fail("tensor \(missing) is missing") }
        if let extra = present.subtracting(expected).sorted().first { throw fail("unexpected tensor \(extra)") }
        if let parameters = network?.parameters {
            for slot in parameters.slots {
                let t = contents.tensors[slot.name]!
                guard t.shape == slot.shape else {
                    throw fail("tensor \(slot.name) has shape \(t.shape); the config implies \(slot.shape)")
                }
                guard t.values.allSatisfy(\.isFinite) else { throw fail("tensor \(slot.name) holds NaN or infinite values") }
                try parameters.setTensor(slot.name, shape: t.shape, values: t.values)
            }
        }
        let columns = config.columns.count
        let offset = contents.tensors["scaler.offset"]!, scale = contents.tensors["scaler.scale"]!
        guard offset.shape == [columns], scale.shape == [columns] else {
            throw fail("scaler tensors must have shape [\(columns)] (one per column)")
        }
        guard offset.values.allSatisfy(\.isFinite), scale.values.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw fail("scaler holds NaN, infinite or zero-scale values")
        }
        return ForecastModel(config: config, network: network, scalerOffset: offset.values, scalerScale: scale.values,
                             statistical: statistical, calibrations: calibrations, info: info)
    }
}
