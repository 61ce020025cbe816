import ArgumentParser
import Forecast
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model file's architecture, parameter count, tensors and configuration.",
        discussion: """
        Examples:
          forecast inspect runs/air/model.safetensors
          forecast inspect model.safetensors --json
        """
    )

    @Argument(help: "A model file.")
    var model: String

    @OptionGroup var output: OutputOptions

    struct Summary: Encodable {
        let architecture: String
        let parameters: Int
        let tensors: [String: [Int]]
        let config: ForecastConfig
        let info: [String: String]
    }

    func run() throws {
        try reportingErrors {
            let m = try ForecastModel.load(path: model)
            let c = m.config
            let arch = "\(c.layers)-layer \(c.bidirectional ? "bidirectional " : "")\(c.cell.rawValue.uppercased())(\(c.inputs.count) → \(c.hidden))"
                + " + Linear(\(c.hidden * (c.bidirectional ? 2 : 1)) → \(c.networkShape.outputSize))"
            var tensors: [String: [Int]] = [:]
            for s in m.network?.parameters.slots ?? [] { tensors[s.name] = s.shape }
            tensors["scaler.offset"] = [m.scalerOffset.count]
            tensors["scaler.scale"] = [m.scalerScale.count]
            let summary = Summary(architecture: arch, parameters: m.network?.parameters.count ?? 0, tensors: tensors, config: c, info: m.info)
            if output.json { print(try jsonText(summary)); return }
            guard !output.quiet else { return }
            print("model:       \(model)")
            print("network:     \(arch)")
            print("parameters:  \(summary.parameters)")
            print("targets:     \(c.targets.joined(separator: ", ")) (horizon \(c.horizon), timesteps \(c.timesteps))")
            print("inputs:      \(c.inputs.joined(separator: ", "))")
            print("scaler:      \(c.scaler)")
            print("tensors:")
            for name in tensors.keys.sorted() { print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(tensors[name]!)") }
            print("config:")
            print(try jsonText(c).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            if !m.info.isEmpty {
                print("training:")
                for k in m.info.keys.sorted() { print("  \(k): \(m.info[k]!)") }
            }
        }
    }
}
