import Forecast
import Foundation
import Testing

/// Sizes from the command line are checked before anything is allocated.
@Suite struct ForecastConfigTests {
    func config(_ change: (inout ForecastConfig) -> Void) -> ForecastConfig {
        var c = ForecastConfig(targets: ["y"])
        change(&c)
        return c
    }

    @Test("a network too large to hold is refused with its parameter count, before allocation")
    func tooManyParameters() throws {
        let c = config { $0.hidden = 65_536 }
        #expect(c.networkShape.parameterCount == 17_180_721_153)
        #expect(throws: RecurrentError.self) { try Forecaster(config: c).fit(Table.sample()) }
        #expect(NetworkShape(inputSize: Int.max / 2, hiddenSize: 65_536, outputSize: 1).parameterCount == Int.max)
    }

    @Test("activations beyond 8 GB are refused, naming what to lower")
    func tooMuchWorkspace() {
        let c = config { $0.hidden = 4096; $0.layers = 64 }
        #expect(throws: ForecastError.self) { try c.validate() }
        #expect(config { $0.timesteps = 100_000; $0.batchSize = Int.max / 2 }.workspaceBytes == Int.max)
        #expect(throws: Never.self) { try config { $0.hidden = 256; $0.timesteps = 64; $0.batchSize = 128 }.validate() }
    }

    @Test("threads outside 1...256 are refused")
    func threads() {
        #expect(throws: ForecastError.self) { try config { $0.threads = 0 }.validate() }
        #expect(throws: Never.self) { try config { $0.threads = 2 }.validate() }
    }
}

extension Table {
    /// Forty monthly rows of a ramp.
    static func sample() throws -> Table {
        let rows = (0..<40).map { String(format: "%04d-%02d-01,%d", 2000 + $0 / 12, $0 % 12 + 1, $0) }
        return try CSVReader.read(string: "date,y\n" + rows.joined(separator: "\n") + "\n", name: "sample.csv")
    }
}
