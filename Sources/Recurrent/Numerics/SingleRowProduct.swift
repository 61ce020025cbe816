import COpenBLAS
import CPackedProduct
import CSpinPool
#if canImport(Glibc)
import Glibc
#endif

/// c (n) = alpha · a (k) · op(B) (k, n) + beta · c: one row times a matrix, which is every step
/// of a batch-1 prediction. `sgemv` streams the matrix once where `sgemm` would first copy it.
/// When the matrix is large (the `large` configuration's W_hh is 1024 × 256, 1 MiB) one core
/// streams it from L3 on every step; split in two, each half stays in its core's L2, so the two
/// halves run on two cores through CSpinPool. A half of 512 KiB still does not quite fit a 512 KiB
/// L2, and streaming it in the same order every step evicts each line just before it is needed
/// again; every other step therefore runs the half's blocks last to first, so a step starts on
/// the lines the previous one touched last (`large` batch-1 latency 0.72 → 0.69 ms, medians).
/// Every output element is the same dot product whatever the split or order, so neither changes
/// results. On CPUs with AVX2 and FMA, rows of B times a (the forward step) run CPackedProduct's
/// `cpp_rows_dot` instead of `sgemv` (in a microbenchmark 4% faster on 512 KiB, 28% on `seed`'s
/// 200 × 50; rows shorter than 8 stay with `sgemv`, whose overhead is lower there).
enum SingleRowProduct {
    /// Multiply-adds from which the product is split over two cores.
    static let splitThreshold = 1 << 18
    static let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    /// Matrices from this many bytes up run in `blocks` blocks, alternating their order.
    static let alternateFrom = 256 << 10
    static let blocks = 4

    struct Job {
        let transposeB: Bool
        let k: Int
        let alpha: Float, beta: Float
        let a: UnsafePointer<Float>, incA: Int
        let b: UnsafePointer<Float>, ldb: Int
        let c: UnsafeMutablePointer<Float>
        /// Output columns [0, split) are part 0, [split, n) part 1.
        let split: Int, n: Int
        /// Run each part in `blocks` blocks from last to first.
        let backwards: Bool

        func run(columns lo: Int, _ hi: Int) {
            guard backwards else { return runBlock(lo, hi) }
            let size = (hi - lo + SingleRowProduct.blocks - 1) / SingleRowProduct.blocks
            var end = hi
            while end > lo {
                let start = max(lo, end - size)
                runBlock(start, end)
                end = start
            }
        }

        private func runBlock(_ lo: Int, _ hi: Int) {
            guard hi > lo else { return }
            if transposeB && k >= 8 && alpha == 1 && beta == 1 && incA == 1 && cpp_available() != 0 {
                cpp_rows_dot(hi - lo, k, b + lo * ldb, ldb, a, c + lo)
            } else if transposeB {   // B stored (n, k): rows lo..<hi of B times a
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(hi - lo), Int32(k), alpha, b + lo * ldb, Int32(ldb),
                            a, Int32(incA), beta, c + lo, 1)
            } else {          // B stored (k, n): columns lo..<hi of B
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(hi - lo), alpha, b + lo, Int32(ldb),
                            a, Int32(incA), beta, c + lo, 1)
            }
        }
    }

    /// Whether an (n, k) product is split over two cores.
    static func usesTwoCores(n: Int, k: Int) -> Bool { cores >= 2 && n * k >= splitThreshold && n >= 64 }

    static func multiply(transposeB: Bool, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, incA: Int,
                         b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>) {
        let twoParts = usesTwoCores(n: n, k: k)
        var job = Job(transposeB: transposeB, k: k, alpha: alpha, beta: beta, a: a, incA: incA, b: b, ldb: ldb, c: c,
                      split: twoParts ? (n / 2) & ~15 : n, n: n,
                      backwards: n * k * 4 >= alternateFrom && csp_alternate(b) == 1)
        guard twoParts else {
            job.run(columns: 0, n)
            return
        }
        withUnsafeMutablePointer(to: &job) { pointer in
            csp_run_pair({ context, part in
                let job = context!.assumingMemoryBound(to: Job.self).pointee
                if part == 0 { job.run(columns: 0, job.split) } else { job.run(columns: job.split, job.n) }
            }, pointer)
        }
    }
}
