/// The reference configurations of the PyTorch benchmark this project started from (`bench_common.py`): a recurrent network
/// with a Linear(1) head, MSE, Adam 1e-3, float32, on synthetic multi-sine windows.
public struct BenchmarkConfiguration: Codable, Equatable, Sendable {
    public let name: String
    public let cell: CellKind
    public let units: Int
    public let layers: Int
    public let bidirectional: Bool
    public let timesteps: Int
    public let inputSize: Int
    public let batch: Int
    public let windows: Int

    public static let seed = BenchmarkConfiguration(name: "seed", cell: .lstm, units: 50, layers: 1, bidirectional: false,
                                                    timesteps: 30, inputSize: 1, batch: 32, windows: 8192)
    public static let stacked = BenchmarkConfiguration(name: "stacked", cell: .lstm, units: 64, layers: 2, bidirectional: false,
                                                       timesteps: 48, inputSize: 8, batch: 64, windows: 8192)
    public static let bigru = BenchmarkConfiguration(name: "bigru", cell: .gru, units: 64, layers: 1, bidirectional: true,
                                                     timesteps: 48, inputSize: 8, batch: 64, windows: 8192)
    public static let large = BenchmarkConfiguration(name: "large", cell: .lstm, units: 256, layers: 1, bidirectional: false,
                                                     timesteps: 64, inputSize: 16, batch: 128, windows: 8192)
    public static let all = [seed, stacked, bigru, large]

    public var shape: NetworkShape {
        NetworkShape(cell: cell, inputSize: inputSize, hiddenSize: units, layers: layers,
                     bidirectional: bidirectional, outputSize: 1)
    }

    /// Noisy multi-sine windows, the same shapes and distribution as bench_common.synthetic:
    /// each window has its own random phase and frequency per channel; the target is the next
    /// value of channel 0.
    public func syntheticData(windows n: Int? = nil, seed: UInt64 = 0) throws -> SampleSet<Float> {
        let n = n ?? windows
        var g = SeededGenerator(seed: seed)
        var x = [Float](repeating: 0, count: n * timesteps * inputSize)
        var y = [Float](repeating: 0, count: n)
        for w in 0..<n {
            var phases: [Double] = [], freqs: [Double] = []
            for _ in 0..<inputSize {
                phases.append(g.nextUnit() * 2 * .pi)
                freqs.append(0.05 + g.nextUnit() * 0.25)
            }
            for t in 0...timesteps {
                for c in 0..<inputSize {
                    let v = Float(sinApprox(freqs[c] * Double(t) + phases[c]) + 0.1 * g.normal())
                    if t < timesteps { x[(w * timesteps + t) * inputSize + c] = v } else if c == 0 { y[w] = v }
                }
            }
        }
        return try SampleSet(inputs: x, targets: y, count: n, timesteps: timesteps, inputSize: inputSize, outputSize: 1)
    }
}

private func sinApprox(_ x: Double) -> Double {
    #if canImport(Glibc)
    Glibc.sin(x)
    #else
    Foundation.sin(x)
    #endif
}

#if canImport(Glibc)
import Glibc
#endif

extension SeededGenerator {
    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(nextUnit(), 1e-300), v = nextUnit()
        return (-2 * Glibc.log(u)).squareRoot() * Glibc.cos(2 * .pi * v)
    }
}
