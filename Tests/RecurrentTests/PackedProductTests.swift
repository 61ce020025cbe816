import CPackedProduct
import Recurrent
import Testing

/// The packed small-product kernel of the time loop, and the row-by-row kernel of batch-1 steps,
/// against the product summed in Double:
/// both layouts of B, row counts that leave a partial 4-row tile or cross 64-row blocks, column
/// counts that leave a partial 16-column panel, and rows of A and C longer than the product
/// (strided like the layer output).
@Suite("Packed recurrent products")
struct PackedProductTests {
    @Test("c += a · op(B) from packed panels equals the exact product to float rounding",
          arguments: [(1, 1, 1), (3, 16, 5), (4, 17, 9), (7, 50, 200), (16, 200, 50), (6, 33, 64), (1, 71, 37), (1, 128, 64),
                     (150, 40, 20), (70, 64, 256)],
          [false, true])
    func matchesExact(shape: (Int, Int, Int), transposed: Bool) throws {
        try #require(cpp_available() != 0, "needs AVX2 and FMA")
        let (m, n, k) = shape
        let lda = k + 2, ldc = n + 3, ldb = transposed ? k + 1 : n + 1
        var g = SeededGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<m * lda).map { _ in Float(g.uniform(bound: 1)) }
        let b = (0..<(transposed ? n : k) * ldb).map { _ in Float(g.uniform(bound: 1)) }
        let c0 = (0..<m * ldc).map { _ in Float(g.uniform(bound: 1)) }
        var panels = [Float](repeating: .nan, count: cpp_panel_floats(k, n))
        cpp_pack(k, n, b, ldb, transposed ? 1 : 0, &panels)
        var c = c0
        cpp_multiply(m, n, k, a, lda, panels, &c, ldc)
        for i in 0..<m {
            for j in 0..<ldc {
                guard j < n else {
                    #expect(c[i * ldc + j] == c0[i * ldc + j], "padding of row \(i) changed")
                    continue
                }
                var exact = Double(c0[i * ldc + j])
                for p in 0..<k { exact += Double(a[i * lda + p]) * Double(transposed ? b[j * ldb + p] : b[p * ldb + j]) }
                #expect(abs(Double(c[i * ldc + j]) - exact) <= 1e-6 * Double(k + 1), "c[\(i)][\(j)] = \(c[i * ldc + j]), exact \(exact)")
            }
        }
    }

    @Test("one row times the panels gives the bits of the same row inside a larger product",
          arguments: [(64, 256), (71, 37), (200, 50)])
    func singleRowMatchesTile(shape: (Int, Int)) throws {
        try #require(cpp_available() != 0, "needs AVX2 and FMA")
        let (n, k) = shape, m = 5
        var g = SeededGenerator(seed: UInt64(n * 7 + k))
        let a = (0..<m * k).map { _ in Float(g.uniform(bound: 1)) }
        let b = (0..<n * k).map { _ in Float(g.uniform(bound: 1)) }
        let c0 = (0..<m * n).map { _ in Float(g.uniform(bound: 1)) }
        var panels = [Float](repeating: .nan, count: cpp_panel_floats(k, n))
        cpp_pack(k, n, b, k, 1, &panels)
        var all = c0
        cpp_multiply(m, n, k, a, k, panels, &all, n)
        for i in 0..<m {
            var row = Array(c0[i * n..<(i + 1) * n])
            cpp_multiply(1, n, k, Array(a[i * k..<(i + 1) * k]), k, panels, &row, n)
            #expect(row.map(\.bitPattern) == all[i * n..<(i + 1) * n].map(\.bitPattern), "row \(i)")
        }
    }

    @Test("c = bias + a · op(B) gives the bits of filling c with the bias and then c += a · op(B)",
          arguments: [(1, 64, 8), (1, 40, 3), (5, 256, 64), (150, 40, 20), (67, 16, 1)])
    func biasMatchesFill(shape: (Int, Int, Int)) throws {
        try #require(cpp_available() != 0, "needs AVX2 and FMA")
        let (m, n, k) = shape, ldc = n + 3
        var g = SeededGenerator(seed: UInt64(m * 31 + n * 7 + k))
        let a = (0..<m * k).map { _ in Float(g.uniform(bound: 1)) }
        let b = (0..<n * k).map { _ in Float(g.uniform(bound: 1)) }
        let bias = (0..<n).map { _ in Float(g.uniform(bound: 1)) }
        var panels = [Float](repeating: .nan, count: cpp_panel_floats(k, n))
        cpp_pack(k, n, b, k, 1, &panels)
        let untouched = Float(-7)
        var filled = [Float](repeating: untouched, count: m * ldc)
        for i in 0..<m { for j in 0..<n { filled[i * ldc + j] = bias[j] } }
        cpp_multiply(m, n, k, a, k, panels, &filled, ldc)
        var fused = [Float](repeating: .nan, count: m * ldc)
        for i in 0..<m { for j in n..<ldc { fused[i * ldc + j] = untouched } }
        cpp_multiply_bias(m, n, k, a, k, panels, bias, &fused, ldc)
        #expect(fused.map(\.bitPattern) == filled.map(\.bitPattern))
        #expect(fused[0] != bias[0], "the product was added")
    }

    @Test("y += w · x row by row equals the exact dot products, for row counts and lengths that leave tails",
          arguments: [(1, 1), (3, 7), (6, 8), (9, 17), (5, 50), (4, 256)])
    func rowsDot(shape: (Int, Int)) throws {
        try #require(cpp_available() != 0, "needs AVX2 and FMA")
        let (n, k) = shape, ldw = k + 5
        var g = SeededGenerator(seed: UInt64(n * 100 + k))
        let w = (0..<n * ldw).map { _ in Float(g.uniform(bound: 1)) }
        let x = (0..<k).map { _ in Float(g.uniform(bound: 1)) }
        let y0 = (0..<n + 2).map { _ in Float(g.uniform(bound: 1)) }
        var y = y0
        cpp_rows_dot(n, k, w, ldw, x, &y)
        for j in 0..<n {
            var exact = Double(y0[j])
            for p in 0..<k { exact += Double(w[j * ldw + p]) * Double(x[p]) }
            #expect(abs(Double(y[j]) - exact) <= 1e-6 * Double(k + 1), "y[\(j)] = \(y[j]), exact \(exact)")
        }
        #expect(y[n...] == y0[n...], "past the last row")
    }
}
