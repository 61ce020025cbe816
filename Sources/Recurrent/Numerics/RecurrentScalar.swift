import COpenBLAS
import CVectorMath
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element type of the engine: `Float` for real work, `Double` for gradient checks and for
/// comparing against float64 references with more digits than float32 can hold.
///
/// Every product goes to BLAS (`cblas_sgemm` / `cblas_dgemm`, `sgemv` for single rows). Float's
/// array sigmoid and tanh are the vectorized ones of CVectorMath (a few ulp); Double's are the C
/// library's.
public protocol RecurrentScalar: BinaryFloatingPoint, Sendable where RawSignificand: FixedWidthInteger {
    /// C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or Xᵀ.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    /// dst[i] = σ(src[i]) for i < count; src may equal dst.
    static func sigmoid(_ src: UnsafePointer<Self>, _ dst: UnsafeMutablePointer<Self>, count: Int)
    /// dst[i] = tanh(src[i]) for i < count; src may equal dst.
    static func tanh(_ src: UnsafePointer<Self>, _ dst: UnsafeMutablePointer<Self>, count: Int)
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: RecurrentScalar {
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // A single row or column is a matrix-vector product: sgemv streams the matrix once,
        // where sgemm would first copy (pack) all of it. Batch-1 prediction is all such steps.
        if m == 1 {
            SingleRowProduct.multiply(transposeB: transposeB, n: n, k: k, alpha: alpha, a: a, incA: transposeA ? lda : 1,
                                      b: b, ldb: ldb, beta: beta, c: c)
        } else if n == 1 && !transposeA {
            // c (m, 1) = A (m, k) · column op(B) (k)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(k), alpha, a, Int32(lda),
                        b, Int32(transposeB ? 1 : ldb), beta, c, Int32(ldc))
        } else {
            cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always)
    public static func sigmoid(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        cvm_sigmoid(src, dst, count)
    }
    @inline(__always)
    public static func tanh(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        cvm_tanh(src, dst, count)
    }
}

extension Double: RecurrentScalar {
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always)
    public static func sigmoid(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { dst[i] = 1 / (1 + Glibc.exp(-src[i])) }
    }
    @inline(__always)
    public static func tanh(_ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { dst[i] = Glibc.tanh(src[i]) }
    }
}

extension RecurrentScalar {
    /// The logistic function 1 / (1 + e^-x); saturates cleanly to 0 and 1 without NaN.
    @inline(__always)
    static func sigmoid(_ x: Self) -> Self { 1 / (1 + exp(-x)) }
}

/// The same memory as Float, for the Float-only C kernels, after a `Scalar.self == Float.self`
/// check.
extension UnsafeMutablePointer where Pointee: RecurrentScalar {
    @inline(__always)
    var floats: UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(self).assumingMemoryBound(to: Float.self) }
}

extension UnsafePointer where Pointee: RecurrentScalar {
    @inline(__always)
    var floats: UnsafePointer<Float> { UnsafeRawPointer(self).assumingMemoryBound(to: Float.self) }
}
