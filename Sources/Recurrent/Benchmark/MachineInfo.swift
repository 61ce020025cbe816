import CVectorMath
import Foundation

/// What a benchmark ran on, read at run time: the CPU's model, its vector extensions and cache
/// sizes (from /proc/cpuinfo and sysfs on Linux), and its measured floating-point peak, so that a
/// speed figure can be read as a fraction of what the machine can do.
public struct MachineInfo: Codable, Sendable {
    public struct Cache: Codable, Sendable, Equatable {
        /// 1, 2, 3 …
        public let level: Int
        /// `Data`, `Instruction` or `Unified`.
        public let type: String
        public let kib: Int
        /// How many logical CPUs share it.
        public let sharedBy: Int
    }

    public let cpuModel: String
    /// The SIMD extensions among the CPU's flags that matter here (sse4_2, avx, avx2, fma,
    /// avx512f, avx512bw, avx512vl, avx512_bf16, avx512_fp16, amx_tile; asimd and sve on ARM).
    public let vectorExtensions: [String]
    /// Caches of CPU 0, by level.
    public let caches: [Cache]
    public let logicalCPUs: Int
    /// The probe's path: `avx512`, `avx2+fma` or `portable`.
    public let fmaPath: String
    /// Float32 GFLOP/s of independent FMA chains on one core, best of three runs.
    public let peakGFLOPSOneCore: Double
    /// The same on `peakThreads` threads at once (one per core, as the benchmark runs).
    public let peakGFLOPS: Double
    public let peakThreads: Int

    /// Reads the machine and runs the peak probe on one thread and on `threads` threads.
    public static func probe(threads: Int) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((field("flags") ?? field("Features") ?? "").split(separator: " ").map(String.init))
        let wanted = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile", "asimd", "sve"]
        let path = Int(cvm_fma_best_path())
        let threads = max(1, threads)
        return MachineInfo(cpuModel: field("model name") ?? field("Model") ?? "unknown", vectorExtensions: wanted.filter(flags.contains),
                           caches: readCaches(), logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
                           fmaPath: ["portable", "avx2+fma", "avx512"][path],
                           peakGFLOPSOneCore: peak(path: path, threads: 1), peakGFLOPS: peak(path: path, threads: threads),
                           peakThreads: threads)
    }

    /// The caches of CPU 0 from /sys/devices/system/cpu/cpu0/cache (empty where sysfs has none).
    public static func readCaches() -> [Cache] {
        let root = "/sys/devices/system/cpu/cpu0/cache"
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("index") }.sorted()
        return entries.compactMap { entry in
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(root)/\(entry)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let level = read("level").flatMap(Int.init), let type = read("type"), let size = read("size") else { return nil }
            // "512K", "32768K" or "1M".
            let number = Int(size.filter(\.isNumber)) ?? 0
            let kib = size.hasSuffix("M") ? number * 1024 : number
            return Cache(level: level, type: type, kib: kib, sharedBy: sharedCount(read("shared_cpu_list") ?? "0"))
        }.sorted { ($0.level, $0.type) < ($1.level, $1.type) }
    }

    /// The number of CPUs in a list like "0-3,8".
    public static func sharedCount(_ list: String) -> Int {
        list.split(separator: ",").reduce(0) { total, part in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
        }
    }

    /// GFLOP/s of the probe on `threads` threads at once, best of three runs of about 0.1 s.
    static func peak(path: Int, threads: Int) -> Double {
        var sink: Float = 0
        // Size the run: time a short one, then aim at 0.1 s.
        let start = DispatchTime.now().uptimeNanoseconds
        _ = cvm_fma_probe(Int32(path), 200_000, &sink)
        let seconds = max(1e-6, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        let iterations = max(200_000, Int(200_000 * 0.1 / seconds))
        var best = 0.0
        for _ in 0..<3 {
            let flops = FlopCounter()
            let t0 = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                var s: Float = 0
                flops.add(cvm_fma_probe(Int32(path), iterations, &s))
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = max(best, flops.total / elapsed / 1e9)
        }
        return best
    }
}

/// The threads' FLOP counts, summed under a lock.
private final class FlopCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var total = 0.0
    func add(_ x: Double) { lock.lock(); total += x; lock.unlock() }
}

extension BenchmarkConfiguration {
    /// Matrix-product FLOPs (2 per multiply-add) of one window's forward pass: per layer and
    /// direction, `T · 2 · G·H · (in + H)` for the input and recurrent products (G gates), and
    /// `2 · H·dirs` for the one-output head. The gates' elementwise math is not counted.
    public var forwardFLOPsPerWindow: Double {
        let gates = cell == .lstm ? 4 : (cell == .gru ? 3 : 1)
        let dirs = bidirectional ? 2 : 1
        var flops = 0.0
        for layer in 0..<layers {
            let input = layer == 0 ? inputSize : units * dirs
            flops += Double(dirs * timesteps * 2 * gates * units * (input + units))
        }
        return flops + Double(2 * units * dirs)
    }

    /// A training step's: the forward pass and a backward pass of twice its products (the
    /// gradients of the inputs and of the weights).
    public var trainingFLOPsPerWindow: Double { 3 * forwardFLOPsPerWindow }
}
