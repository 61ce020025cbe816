import CVectorMath
import Foundation
import Recurrent
import Testing

/// The vectorized float32 sigmoid and tanh against libm in double precision, over the whole
/// range the gates see, tails and tiny values included, on both code paths.
@Suite("Vectorized activations")
struct VectorMathTests {
    static let inputs: [Float] = {
        var xs: [Float] = [0, -0.0, 1e-8, -1e-8, 3e-4, 5e-4, 0.1, -0.1, 87, -87, 88.5, -88.5, 100, -100, 1e6, -1e6]
        var x: Float = -30
        while x <= 30 { xs.append(x); x += 0.0137 }
        return xs
    }()

    static func sigmoid(_ x: [Float], baseline: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        if baseline { cvm_sigmoid_baseline(x, &y, x.count) } else { Float.sigmoid(x, &y, count: x.count) }
        return y
    }

    static func tanh(_ x: [Float], baseline: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        if baseline { cvm_tanh_baseline(x, &y, x.count) } else { Float.tanh(x, &y, count: x.count) }
        return y
    }

    // `false`: the path this CPU uses (AVX2 + FMA where available); `true`: baseline SSE2.
    @Test("sigmoid is within 4e-7 relative of the exact value everywhere it is a normal float", arguments: [false, true])
    func sigmoid(baseline: Bool) {
        for (x, y) in zip(Self.inputs, Self.sigmoid(Self.inputs, baseline: baseline)) {
            let exact = 1 / (1 + Foundation.exp(-Double(x)))
            if exact < 1e-37 { #expect(y >= 0 && y < 1e-37, "σ(\(x))"); continue }
            #expect(abs(Double(y) - exact) <= 4e-7 * exact, "σ(\(x)) = \(y), exact \(exact)")
        }
    }

    @Test("tanh is within 4e-7 relative (or 1e-12 absolute near zero) of the exact value, and ±1 in the tails",
          arguments: [false, true])
    func tanh(baseline: Bool) {
        for (x, y) in zip(Self.inputs, Self.tanh(Self.inputs, baseline: baseline)) {
            let exact = Foundation.tanh(Double(x))
            #expect(abs(Double(y) - exact) <= max(4e-7 * abs(exact), 1e-12), "tanh(\(x)) = \(y), exact \(exact)")
            if abs(x) >= 8 { #expect(abs(y) == 1, "tanh(\(x)) = \(y)") }
        }
    }

    @Test("in-place and odd lengths give the same values as out-of-place")
    func tails() {
        for n in [1, 7, 8, 9, 17] {
            var a = Array(Self.inputs[100..<100 + n])
            var b = a
            Float.tanh(a, &b, count: n)
            a.withUnsafeMutableBufferPointer { Float.tanh($0.baseAddress!, $0.baseAddress!, count: n) }
            #expect(a == b)
        }
    }
}

/// Single-row products (batch-1 prediction) go to sgemv, split over two cores when the matrix is
/// large; either way they must equal the plain matrix product.
@Suite("Single-row products")
struct SingleRowProductTests {
    @Test("one row times a large matrix, either layout, equals the row-by-row dot products, call after call", arguments: [false, true])
    func matchesDotProducts(transposeB: Bool) {
        let n = 1024, k = 300
        var g = SeededGenerator(seed: 9)
        let a = (0..<k).map { _ in Float(g.uniform(bound: 1)) }
        let b = (0..<n * k).map { _ in Float(g.uniform(bound: 1)) }
        func product() -> [Float] {
            var c = [Float](repeating: 0.5, count: n)
            Float.gemm(transposeA: false, transposeB: transposeB, m: 1, n: n, k: k, alpha: 1, a: a, lda: k,
                       b: b, ldb: transposeB ? k : n, beta: 1, c: &c, ldc: n)
            return c
        }
        // Successive calls on one matrix alternate the order of its blocks; results must not move.
        let c = product()
        #expect(product() == c)
        #expect(product() == c)
        for j in 0..<n {
            var exact = 0.5
            for i in 0..<k { exact += Double(a[i]) * Double(transposeB ? b[j * k + i] : b[i * n + j]) }
            #expect(abs(Double(c[j]) - exact) <= 1e-5 * max(1, abs(exact)), "column \(j): \(c[j]) vs \(exact)")
        }
    }
}

/// The sums over whole gradients: bias gradients as column sums, replicas' gradients added, and
/// the squared norm.
@Suite("Gradient sums")
struct GradientSumTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(g.uniform(bound: 3)) }
    }

    /// sameMatrix with the "same" start is the LSTM's case (one sum, stored twice); with a start that
    /// differs only from column 70 on, the shared path covers the first 64 columns only.
    @Test("column sums are the bits of adding row after row onto the starting sums, on both paths",
          arguments: [(1536, 256), (7, 37), (3, 32), (5, 3), (9, 200)], [false, true])
    func columnSums(shape: (Int, Int), sameMatrix: Bool) {
        for start in ["different", "same", "same until column 70"] {
            columnSums(shape: shape, sameMatrix: sameMatrix, start: start)
        }
    }

    private func columnSums(shape: (Int, Int), sameMatrix: Bool, start: String) {
        let (rows, cols) = shape
        let a = Self.values(rows * cols, seed: 1), u = sameMatrix ? a : Self.values(rows * cols, seed: 2)
        var expectedA = Self.values(cols, seed: 3)
        var expectedU = start == "different" ? Self.values(cols, seed: 4) : expectedA
        if start == "same until column 70" { for j in 70..<max(70, cols) { expectedU[j] = Float(j) } }
        var sumA = expectedA, sumU = expectedU
        for r in 0..<rows {
            for j in 0..<cols {
                expectedA[j] += a[r * cols + j]
                expectedU[j] += u[r * cols + j]
            }
        }
        cvm_add_column_sums(rows, cols, a, u, &sumA, &sumU)
        #expect(sumA.map(\.bitPattern) == expectedA.map(\.bitPattern))
        #expect(sumU.map(\.bitPattern) == expectedU.map(\.bitPattern))
    }

    @Test("adding one gradient into another is exact element by element, tail included")
    func add() {
        let src = Self.values(1_001, seed: 5), start = Self.values(1_001, seed: 6)
        var dst = start
        cvm_add(src.count, src, &dst)
        #expect(dst == zip(start, src).map { $0 + $1 })
    }

    @Test("the squared norm in double is the exact sum to double rounding, for lengths with tails",
          arguments: [0, 1, 15, 16, 17, 1_000])
    func squaredNorm(count: Int) {
        let x = Self.values(count, seed: UInt64(count))
        let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(cvm_squared_norm(count, x) - exact) <= 1e-14 * max(exact, 1))
    }
}
