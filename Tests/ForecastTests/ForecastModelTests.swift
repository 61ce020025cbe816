import Forecast
import Foundation
import Testing

@Suite("Model files")
struct ForecastModelTests {
    func model() throws -> ForecastModel {
        var config = ForecastConfig(inputs: ["a", "b"], targets: ["b", "c"])
        config.timesteps = 6
        config.horizon = 3
        config.cell = .gru
        config.hidden = 5
        config.layers = 2
        config.bidirectional = true
        // A network alone, as version 1 files hold (the recipe's parts are tested in RecipeTests).
        config.members = [.network]
        config.transform = .none
        let net = try RecurrentNetwork<Float>(shape: config.networkShape, seed: 9)
        return ForecastModel(config: config, network: net, scalerOffset: [1, 2, 3], scalerScale: [0.5, 2, 4],
                             info: ["last_time": "2020-01-01"])
    }

    func tempPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fm-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test("save then load gives the same configuration, tensors and predictions")
    func roundTrip() throws {
        let m = try model()
        let path = tempPath("model.safetensors")
        try m.save(to: path)
        let back = try ForecastModel.load(path: path)
        #expect(back.config == m.config)
        #expect(back.scalerOffset == m.scalerOffset && back.scalerScale == m.scalerScale)
        #expect(back.info == m.info)
        #expect(back.network!.parameters.allValues == m.network!.parameters.allValues)
        let x = (0..<4 * 6 * 2).map { Float($0 % 7) / 7 }
        #expect(back.network!.predict(x, count: 4, timesteps: 6) == m.network!.predict(x, count: 4, timesteps: 6))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["model.safetensors"])
    }

    @Test("saving over an existing model replaces it whole, and a failed save keeps the old one")
    func atomicReplace() throws {
        let path = tempPath("model.safetensors")
        let first = try model()
        try first.save(to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: AtomicFileError.self) { try first.save(to: path + "/not-a-dir/x.safetensors") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("tensors that do not fit the stored configuration are rejected by name")
    func configMismatch() throws {
        let m = try model()
        var tensors = try SafeTensors.decode(try m.encoded(), name: "m").tensors
        let meta = try SafeTensors.decode(try m.encoded(), name: "m").metadata
        tensors["rnn.weight_hh_l1"] = StoredTensor(shape: [15, 4], values: Array(repeating: 0, count: 60))
        #expect(throws: ModelFileError(file: "m", message: "tensor rnn.weight_hh_l1 has shape [15, 4]; the config implies [15, 5]")) {
            try ForecastModel.decode(try SafeTensors.encode(tensors: tensors, metadata: meta), name: "m")
        }
        tensors["rnn.weight_hh_l1"] = nil
        #expect(throws: ModelFileError(file: "m", message: "tensor rnn.weight_hh_l1 is missing")) {
            try ForecastModel.decode(try SafeTensors.encode(tensors: tensors, metadata: meta), name: "m")
        }
        var badMeta = meta
        badMeta["config"] = "{\"targets\": []}"
        #expect(throws: ModelFileError.self) {
            try ForecastModel.decode(try SafeTensors.encode(tensors: tensors, metadata: badMeta), name: "m")
        }
        badMeta["format_version"] = "99"
        #expect(throws: ModelFileError(file: "m", message: "format version 99 is not supported (this build reads 1 to 2)")) {
            try ForecastModel.decode(try SafeTensors.encode(tensors: tensors, metadata: badMeta), name: "m")
        }
    }

    @Test("a model file cut at every 64-byte boundary, or with any header byte or any data byte changed, never loads wrong")
    func corruption() throws {
        let bytes = try model().encoded()
        var truncations = 0, headerRejected = 0, headerHarmless = 0, dataRejected = 0
        for cut in stride(from: 0, to: bytes.count, by: 64) {
            #expect(throws: ModelFileError.self) { try ForecastModel.decode(Array(bytes[..<cut]), name: "m") }
            truncations += 1
        }
        let headerEnd = 8 + bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let original = try model()
        for i in 0..<headerEnd {
            var m = bytes
            m[i] ^= 0x04
            if let loaded = try? ForecastModel.decode(m, name: "m") {
                #expect(loaded.network!.parameters.allValues == original.network!.parameters.allValues, "byte \(i)")
                #expect(loaded.config == original.config && loaded.info == original.info, "byte \(i)")
                headerHarmless += 1
            } else {
                headerRejected += 1
            }
        }
        for i in headerEnd..<bytes.count {
            var m = bytes
            m[i] ^= 0x10
            #expect(throws: ModelFileError.self, "data byte \(i)") { try ForecastModel.decode(m, name: "m") }
            dataRejected += 1
        }
        print("corrupted model files: \(truncations) truncations, \(headerRejected) header mutations and \(dataRejected) data mutations rejected; \(headerHarmless) header mutations left weights, configuration and info unchanged (JSON syntax that parses the same)")
    }
}

@Suite("Model files of the recipe")
struct RecipeModelFileTests {
    @Test("statistical parts that do not match the targets are rejected; a recipe without a network has no network tensors")
    func statisticalMetadata() throws {
        var config = ForecastConfig(targets: ["y"])
        config.members = [.ets, .theta]
        config.horizon = 2
        let y = (0..<40).map { 10 + Double($0 % 4) + 0.1 * Double($0) }
        let table = try Table(timeName: "t", time: TimeAxis(kind: .index, values: (0..<40).map(Double.init)), columnNames: ["y"], columns: [y])
        let f = try Forecaster(config: config)
        try f.fit(table)
        let model = try #require(f.model)
        let bytes = try model.encoded()
        let back = try ForecastModel.decode(bytes, name: "m")
        #expect(back.network == nil && back.statistical == model.statistical)
        let contents = try SafeTensors.decode(bytes, name: "m")
        #expect(!contents.tensors.keys.contains { $0.hasPrefix("rnn.") || $0.hasPrefix("head.") })
        var metadata = contents.metadata
        metadata["statistical"] = "[]"
        let broken = try SafeTensors.encode(tensors: contents.tensors, metadata: metadata)
        #expect(throws: ModelFileError(file: "m", message: "statistical in __metadata__ must hold one entry per target (y)")) {
            try ForecastModel.decode(broken, name: "m")
        }
        metadata["statistical"] = "{not json"
        let garbled = try SafeTensors.encode(tensors: contents.tensors, metadata: metadata)
        #expect(throws: ModelFileError(file: "m", message: "statistical in __metadata__ is not valid")) {
            try ForecastModel.decode(garbled, name: "m")
        }
    }
}
