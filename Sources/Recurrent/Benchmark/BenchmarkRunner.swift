#if canImport(Glibc)
import Glibc
#endif

/// Figures of one configuration, as bench_torch.py reports them.
public struct BenchmarkResult: Codable, Sendable {
    public struct Spread: Codable, Sendable {
        public let median: Double
        public let min: Double
        public let max: Double
        init(_ xs: [Double]) {
            let s = xs.sorted()
            median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
            min = s.first ?? .nan
            max = s.last ?? .nan
        }
    }
    public let config: String
    public let parameters: Int
    public let windows: Int
    /// Training samples per second per timed epoch (after one warm-up epoch).
    public let trainSamplesPerSecond: Spread
    /// Batched inference over all windows at the training batch size (not measured when
    /// training is distributed).
    public let inferSamplesPerSecond: Spread?
    /// One window, batch 1, in milliseconds (not measured when training is distributed).
    public let latencyBatch1Milliseconds: Spread?
    /// Ranks that trained together (absent for one process).
    public var ranks: Int? = nil
    /// Mean time per training step spent summing gradients and losses across ranks, in ms
    /// (waiting for the slowest rank included).
    public var communicationMillisecondsPerStep: Double? = nil
    /// One sum of a gradient-sized buffer across the ranks on its own, median of 50, in ms:
    /// the transfer cost without the waiting.
    public var allReduceMilliseconds: Double? = nil
    public let finalEpochLoss: Double
    /// Peak resident set size of this process so far, in MiB (Linux VmHWM).
    public let peakResidentMiB: Double?
}

/// Runs a configuration the way bench_torch.py does: one warm-up epoch, then timed epochs; batched
/// inference; and batch-1 latency over many calls after a warm-up.
public enum BenchmarkRunner {
    public static func run(_ config: BenchmarkConfiguration, epochs: Int = 3, windows: Int? = nil,
                           latencyCalls: Int = 200, inferenceRuns: Int = 3, threads: Int = 1,
                           collective: Collective? = nil) throws -> BenchmarkResult {
        let data = try config.syntheticData(windows: windows)
        let net = try RecurrentNetwork<Float>(shape: config.shape, seed: 0)
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = config.batch
        options.patience = nil
        options.seed = 1
        options.threads = threads
        let trainer = Trainer(network: net, options: options)
        trainer.collective = collective
        _ = try trainer.fit(train: data)  // warm-up
        trainer.communicationSeconds = 0
        trainer.gradientExchanges = 0
        var rates: [Double] = [], lastLoss = Double.nan
        for _ in 0..<epochs {
            let h = try trainer.fit(train: data)
            let record = h.epochs.last!
            rates.append(Double(data.count) / record.seconds)
            lastLoss = record.trainLoss
        }
        if let collective, collective.size > 1 {
            var r = BenchmarkResult(config: config.name, parameters: net.parameters.count, windows: data.count,
                                    trainSamplesPerSecond: .init(rates), inferSamplesPerSecond: nil,
                                    latencyBatch1Milliseconds: nil, finalEpochLoss: lastLoss, peakResidentMiB: peakResidentMiB())
            r.ranks = collective.size
            r.communicationMillisecondsPerStep = trainer.communicationSeconds * 1e3 / Double(max(1, trainer.gradientExchanges))
            var buffer = [Float](repeating: 1, count: net.parameters.count)
            var times: [Double] = []
            for _ in 0..<50 {
                buffer.withUnsafeMutableBufferPointer { collective.allReduceSum($0) }  // also lines the ranks up
                let start = monotonicSeconds()
                buffer.withUnsafeMutableBufferPointer { collective.allReduceSum($0) }
                times.append((monotonicSeconds() - start) * 1e3)
            }
            r.allReduceMilliseconds = BenchmarkResult.Spread(times).median
            return r
        }
        var inference: [Double] = []
        _ = net.predict(data.inputs, count: data.count, timesteps: config.timesteps, batchSize: config.batch,
                        threads: threads)
        for _ in 0..<inferenceRuns {
            let start = monotonicSeconds()
            _ = net.predict(data.inputs, count: data.count, timesteps: config.timesteps, batchSize: config.batch,
                            threads: threads)
            inference.append(Double(data.count) / (monotonicSeconds() - start))
        }
        let one = Array(data.inputs[0..<config.timesteps * config.inputSize])
        for _ in 0..<20 { _ = net.predict(one, count: 1, timesteps: config.timesteps) }
        var latency: [Double] = []
        for _ in 0..<latencyCalls {
            let start = monotonicSeconds()
            _ = net.predict(one, count: 1, timesteps: config.timesteps)
            latency.append((monotonicSeconds() - start) * 1e3)
        }
        return BenchmarkResult(config: config.name, parameters: net.parameters.count, windows: data.count,
                               trainSamplesPerSecond: .init(rates), inferSamplesPerSecond: .init(inference),
                               latencyBatch1Milliseconds: .init(latency), finalEpochLoss: lastLoss,
                               peakResidentMiB: peakResidentMiB())
    }

    /// VmHWM from /proc/self/status, in MiB; nil where it cannot be read.
    public static func peakResidentMiB() -> Double? {
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("VmHWM:") {
                let kb = s.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
                return kb.map { $0 / 1024 }
            }
        }
        return nil
    }
}
