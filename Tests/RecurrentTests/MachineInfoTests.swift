import CVectorMath
import Foundation
import Recurrent
import Testing

/// What `forecast bench` reads about the machine and how it counts FLOPs.
@Suite("Machine facts and FLOP counts")
struct MachineInfoTests {
    static let path = Int(cvm_fma_best_path())

    @Test("matrix-product FLOPs per window, by hand for the reference configurations")
    func flopCounts() {
        // seed: LSTM, 4 gates × 50 units, 1 input, 30 steps: 30 · 2 · 200 · (1 + 50), plus a 50 → 1 head.
        let seed: Double = 30 * 2 * 200 * 51 + 2 * 50
        #expect(BenchmarkConfiguration.seed.forwardFLOPsPerWindow == seed)
        // stacked: two LSTM layers of 64 over 48 steps, 8 inputs, then 64 → 64.
        let first: Double = 48 * 2 * 256 * (8 + 64), second: Double = 48 * 2 * 256 * (64 + 64)
        #expect(BenchmarkConfiguration.stacked.forwardFLOPsPerWindow == first + second + 2 * 64)
        // bigru: 3 gates, both directions, 8 inputs, 64 units, 48 steps; head reads 128.
        let bigru: Double = 2 * 48 * 2 * 192 * (8 + 64) + 2 * 128
        #expect(BenchmarkConfiguration.bigru.forwardFLOPsPerWindow == bigru)
        #expect(BenchmarkConfiguration.large.trainingFLOPsPerWindow == 3 * BenchmarkConfiguration.large.forwardFLOPsPerWindow)
    }

    @Test("the portable probe counts 2 FLOPs per multiply-add of its 12 chains and computes them")
    func portableProbe() {
        var sink: Float = 0
        #expect(cvm_fma_probe(0, 1000, &sink) == 2 * 12 * 1000)
        // Each chain x ← 0.99999994 x + 1e-7 from 1 + 0.001 i stays near its start after 1,000 rounds.
        let expected = (0..<12).reduce(Float(0)) { total, i in
            var x = 1 + 0.001 * Float(i)
            for _ in 0..<1000 { x = x * 0.99999994 + 1e-7 }
            return total + x
        }
        #expect(abs(sink - expected) < 1e-3, "\(sink) vs \(expected)")
    }

    @Test("the AVX2 probe: 12 chains of 8 lanes", .enabled(if: path >= 1, "this CPU has no AVX2 with FMA"))
    func avx2Probe() {
        var sink: Float = 0
        #expect(cvm_fma_probe(1, 1000, &sink) == 2 * 12 * 8 * 1000)
        var scalar: Float = 0
        _ = cvm_fma_probe(0, 1000, &scalar)
        // Every lane repeats its chain: 8 times the portable sum, up to fused rounding.
        #expect(abs(sink - 8 * scalar) < 1e-2, "\(sink) vs \(8 * scalar)")
    }

    @Test("the AVX-512 probe: 12 chains of 16 lanes", .enabled(if: path >= 2, "this CPU has no AVX-512"))
    func avx512Probe() {
        var sink: Float = 0
        #expect(cvm_fma_probe(2, 1000, &sink) == 2 * 12 * 16 * 1000)
        var scalar: Float = 0
        _ = cvm_fma_probe(0, 1000, &scalar)
        #expect(abs(sink - 16 * scalar) < 2e-2, "\(sink) vs \(16 * scalar)")
    }

    @Test("caches and CPU lists as sysfs writes them")
    func caches() throws {
        #expect(MachineInfo.sharedCount("0-3,8") == 5)
        #expect(MachineInfo.sharedCount("0") == 1)
        let caches = MachineInfo.readCaches()
        if FileManager.default.fileExists(atPath: "/sys/devices/system/cpu/cpu0/cache/index0") {
            let l1 = try #require(caches.first { $0.level == 1 && $0.type != "Instruction" })
            #expect(l1.kib >= 8 && l1.kib <= 4096)
            #expect(caches.map(\.level) == caches.map(\.level).sorted())
        }
    }
}
