import ArgumentParser
import Forecast
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and prediction speed on the reference configurations.",
        discussion: """
        Runs the configurations of the PyTorch reference benchmark (seed, stacked, bigru, large) on \
        synthetic data of the same shapes: training samples per second (per epoch after a warm-up), \
        batched inference samples per second and batch-1 latency, each as median, min and max. \
        Beside them: the machine (CPU model, vector extensions, caches), its float32 FMA peak \
        measured by a short probe of independent multiply-add chains on one core and on every \
        thread the benchmark uses, and each configuration's matrix-product GFLOP/s and share \
        of that peak, so that results compare across CPUs.

        Examples:
          forecast bench
          forecast bench --configs seed,large --epochs 5 --json
        """
    )

    @Option(help: "Comma-separated configurations: seed, stacked, bigru, large.")
    var configs = "seed,stacked,bigru,large"

    @Option(parsing: .unconditional, help: "Timed epochs per configuration (after one warm-up epoch).")
    var epochs = 3

    @Option(parsing: .unconditional, help: "Windows per configuration (default: the reference's 8192).")
    var windows: Int?

    @Option(parsing: .unconditional, help: "Batch-1 prediction calls for the latency figure.")
    var latencyCalls = 200

    @Option(parsing: .unconditional, help: "Threads that share each batch (data parallelism); default: the number of cores (shared between the ranks on a host).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "OpenBLAS threads inside each product.")
    var blasThreads = 1

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var distributed: DistributedOptions

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard latencyCalls >= 1 else { throw ValidationError("--latency-calls must be at least 1") }
        if let windows, windows < 1 { throw ValidationError("--windows must be at least 1") }
        if let threads { guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") } }
        guard (1...256).contains(blasThreads) else { throw ValidationError("--blas-threads must be between 1 and 256") }
        for name in configs.split(separator: ",") where !BenchmarkConfiguration.all.contains(where: { $0.name == name }) {
            throw ValidationError("unknown configuration \"\(name)\"; choose from seed, stacked, bigru, large")
        }
    }

    func run() throws {
        try Distribution.run(distributed) { d in
            try measure(d)
        }
    }

    private func measure(_ d: Distribution) throws {
        let threads = self.threads ?? d.defaultThreads
        BLASThreads.set(blasThreads)
        if d.writes, let hint = coreTypeHint() { FileHandle.standardError.write(Data((hint + "\n").utf8)) }
        var results: [BenchmarkResult] = []
        for name in configs.split(separator: ",") {
            let config = BenchmarkConfiguration.all.first { $0.name == name }!
            let r = try BenchmarkRunner.run(config, epochs: epochs, windows: windows, latencyCalls: latencyCalls, threads: threads,
                                            collective: d.collective)
            results.append(r)
            if !json && d.writes {
                FileHandle.standardError.write(Data("  \(name): \(Int(r.trainSamplesPerSecond.median)) train smp/s\n".utf8))
            }
        }
        guard d.writes else { return }
        let machine = MachineInfo.probe(threads: threads)
        let efficiency = results.map { r in
            let config = BenchmarkConfiguration.all.first { $0.name == r.config }!
            return Efficiency(result: r, config: config, peak: machine.peakGFLOPS)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let payload = BenchReport(framework: "swift-forecast", blasCore: BLASThreads.coreName, threads: threads,
                                      blasThreads: blasThreads, ranks: d.ranks, results: results, machine: machine,
                                      efficiency: efficiency)
            print(String(decoding: try encoder.encode(payload), as: UTF8.self))
            return
        }
        let ranks = d.ranks > 1 ? "\(d.ranks) ranks × " : ""
        print("swift-forecast bench (OpenBLAS core \(BLASThreads.coreName), \(ranks)\(threads) thread(s), \(blasThreads) BLAS thread(s)); median [min – max]")
        print(Self.describe(machine))
        if d.ranks > 1 {
            print("config    params  train smp/s                 exchange ms/step  allreduce ms  peak RSS MiB (rank 0)")
            for r in results {
                print([r.config.padding(toLength: 9, withPad: " ", startingAt: 0),
                       String(r.parameters).padding(toLength: 7, withPad: " ", startingAt: 0),
                       spread(r.trainSamplesPerSecond, 0).padding(toLength: 28, withPad: " ", startingAt: 0),
                       String(format: "%.3f", r.communicationMillisecondsPerStep ?? .nan).padding(toLength: 17, withPad: " ", startingAt: 0),
                       String(format: "%.3f", r.allReduceMilliseconds ?? .nan).padding(toLength: 13, withPad: " ", startingAt: 0),
                       r.peakResidentMiB.map { String(format: "%.0f", $0) } ?? "-"].joined(separator: " "))
            }
            return
        }
        print("config    params  train smp/s                 infer smp/s                   latency b1 ms          peak RSS MiB  train GFLOP/s (% peak)  infer GFLOP/s (% peak)")
        for (r, e) in zip(results, efficiency) {
            let line = [r.config.padding(toLength: 9, withPad: " ", startingAt: 0),
                        String(r.parameters).padding(toLength: 7, withPad: " ", startingAt: 0),
                        spread(r.trainSamplesPerSecond, 0).padding(toLength: 28, withPad: " ", startingAt: 0),
                        r.inferSamplesPerSecond.map { spread($0, 0) }.padding(toLength: 30),
                        r.latencyBatch1Milliseconds.map { spread($0, 3) }.padding(toLength: 23),
                        (r.peakResidentMiB.map { String(format: "%.0f", $0) } ?? "-").padding(toLength: 13, withPad: " ", startingAt: 0),
                        String(format: "%.1f (%.0f %%)", e.trainGFLOPS, e.trainPercentOfPeak).padding(toLength: 23, withPad: " ", startingAt: 0),
                        e.inferGFLOPS.map { String(format: "%.1f (%.0f %%)", $0, e.inferPercentOfPeak ?? .nan) } ?? "-"]
            print(line.joined(separator: " "))
        }
    }

    private func spread(_ s: BenchmarkResult.Spread, _ digits: Int) -> String {
        String(format: "%.\(digits)f [%.\(digits)f – %.\(digits)f]", s.median, s.min, s.max)
    }
}

private extension Optional<String> {
    func padding(toLength n: Int) -> String { (self ?? "-").padding(toLength: n, withPad: " ", startingAt: 0) }
}

struct BenchReport: Codable {
    let framework: String
    let blasCore: String
    let threads: Int
    let blasThreads: Int
    let ranks: Int
    let results: [BenchmarkResult]
    let machine: MachineInfo
    let efficiency: [Efficiency]
}

/// A configuration's speed as arithmetic: the matrix-product FLOPs of what was timed (see
/// `BenchmarkConfiguration.forwardFLOPsPerWindow`), the GFLOP/s reached at the median speed,
/// and their share of the machine's measured FMA peak on the benchmark's threads.
struct Efficiency: Codable {
    let config: String
    let forwardFLOPsPerWindow: Double
    let trainingFLOPsPerWindow: Double
    let trainGFLOPS: Double
    let trainPercentOfPeak: Double
    let inferGFLOPS: Double?
    let inferPercentOfPeak: Double?

    init(result r: BenchmarkResult, config: BenchmarkConfiguration, peak: Double) {
        self.config = r.config
        forwardFLOPsPerWindow = config.forwardFLOPsPerWindow
        trainingFLOPsPerWindow = config.trainingFLOPsPerWindow
        trainGFLOPS = r.trainSamplesPerSecond.median * config.trainingFLOPsPerWindow / 1e9
        trainPercentOfPeak = 100 * trainGFLOPS / peak
        inferGFLOPS = r.inferSamplesPerSecond.map { $0.median * config.forwardFLOPsPerWindow / 1e9 }
        inferPercentOfPeak = inferGFLOPS.map { 100 * $0 / peak }
    }
}

extension BenchCommand {
    /// Two lines on the machine: model, extensions, caches; the measured peak.
    static func describe(_ m: MachineInfo) -> String {
        let caches = m.caches.filter { $0.type != "Instruction" }.map { c in
            let size = c.kib >= 1024 && c.kib % 1024 == 0 ? "\(c.kib / 1024) MiB" : "\(c.kib) KiB"
            return "L\(c.level)\(c.type == "Data" ? "d" : "") \(size)" + (c.sharedBy > 1 ? " (shared by \(c.sharedBy))" : "")
        }
        return "machine: \(m.cpuModel), \(m.logicalCPUs) logical CPUs; \(m.vectorExtensions.joined(separator: " ")); "
            + (caches.isEmpty ? "caches unknown" : caches.joined(separator: ", ")) + "\n"
            + String(format: "float32 FMA peak (%@ probe): %.1f GFLOP/s on one core, %.1f on %d thread(s)",
                     m.fmaPath, m.peakGFLOPSOneCore, m.peakGFLOPS, m.peakThreads)
    }

    /// OPENBLAS_CORETYPE=Haswell on a CPU with AVX-512 keeps sgemm at 256-bit width (half speed
    /// measured on such a machine); say so when the environment forces a core.
    func coreTypeHint() -> String? {
        guard let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] else { return nil }
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ") } ?? []
        guard flags.contains("avx512f"), BLASThreads.coreName.lowercased() != "skylakex" else { return nil }
        return "note: OPENBLAS_CORETYPE=\(forced) makes OpenBLAS use its \(BLASThreads.coreName) kernels on this AVX-512 CPU; unset it (or set SkylakeX) for full-width sgemm"
    }
}
