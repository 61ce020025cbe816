import Foundation
import Recurrent

/// A PyTorch fixture file (`ref-rnn-fixture/1`, see Fixtures/NOTES.md): arrays are
/// `{"shape": [...], "data": [...]}` flattened row-major.
struct Fixture {
    let url: URL
    let json: [String: Any]

    var name: String { url.lastPathComponent }

    init(url: URL) throws {
        self.url = url
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError("\(url.lastPathComponent): top level is not an object")
        }
        json = object
    }

    enum Kind { case forwardBackward, optimizerSteps, other }

    var kind: Kind {
        if json["steps"] != nil && json["params_before"] != nil { return .optimizerSteps }
        if json["params"] != nil && json["grads"] != nil && json["config"] != nil { return .forwardBackward }
        return .other
    }

    var config: [String: Any] { json["config"] as? [String: Any] ?? [:] }

    func shape() throws -> NetworkShape {
        let c = config
        guard let cell = (c["cell"] as? String).flatMap(CellKind.init(rawValue:)),
              let input = c["input_dim"] as? Int, let hidden = c["hidden"] as? Int,
              let layers = c["layers"] as? Int, let bidirectional = c["bidirectional"] as? Bool,
              let out = c["out_dim"] as? Int
        else { throw FixtureError("\(name): incomplete config") }
        return NetworkShape(cell: cell, inputSize: input, hiddenSize: hidden, layers: layers,
                            bidirectional: bidirectional, outputSize: out)
    }

    func int(_ key: String) throws -> Int {
        guard let v = config[key] as? Int else { throw FixtureError("\(name): config.\(key) missing") }
        return v
    }

    static func array(_ any: Any?, _ what: String) throws -> (shape: [Int], data: [Double]) {
        guard let a = any as? [String: Any], let shape = a["shape"] as? [Int], let data = a["data"] as? [Double] else {
            throw FixtureError("\(what) is not a {shape, data} array")
        }
        guard data.count == shape.reduce(1, *) else { throw FixtureError("\(what): data does not fill its shape") }
        return (shape, data)
    }

    func array(_ key: String) throws -> (shape: [Int], data: [Double]) {
        try Self.array(json[key], "\(name): \(key)")
    }

    /// A network of the fixture's shape holding the given parameter block.
    func network<S: RecurrentScalar>(_: S.Type, params key: String) throws -> RecurrentNetwork<S> {
        let net = try RecurrentNetwork<S>(shape: try shape())
        try load(json[key], into: net.parameters)
        return net
    }

    func load<S>(_ block: Any?, into store: ParameterStore<S>) throws {
        guard let params = block as? [String: Any] else { throw FixtureError("\(name): no parameter block") }
        guard Set(params.keys) == Set(store.slots.map(\.name)) else {
            throw FixtureError("\(name): parameter names \(params.keys.sorted()) differ from \(store.slots.map(\.name))")
        }
        for (pname, value) in params {
            let a = try Self.array(value, "\(name): \(pname)")
            try store.setTensor(pname, shape: a.shape, values: a.data.map { S($0) })
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// max |a - b| / max |b|: the error relative to the tensor's scale, so values near zero are
/// judged against the tensor's size rather than their own.
func relativeError<S: BinaryFloatingPoint>(_ a: [S], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    var diff = 0.0, scale = 0.0
    for i in 0..<a.count {
        let d = abs(Double(a[i]) - b[i])
        diff = d.isNaN ? .infinity : max(diff, d)
        scale = max(scale, abs(b[i]))
    }
    return diff / max(scale, 1e-12)
}

/// Where the fixtures are: `FORECAST_FIXTURES_DIR` when set, the bundled copy otherwise.
enum FixtureCatalog {
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["FORECAST_FIXTURES_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        return Bundle.module.resourceURL!.appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// Every `*.json` file in the folder, sorted by name.
    static func files() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { directory.appendingPathComponent($0) }
    }

    static func cases(of kind: Fixture.Kind) -> [String] {
        files().compactMap { url in
            guard let f = try? Fixture(url: url), f.kind == kind else { return nil }
            return url.lastPathComponent
        }
    }

    static func load(_ file: String) throws -> Fixture {
        try Fixture(url: directory.appendingPathComponent(file))
    }
}
