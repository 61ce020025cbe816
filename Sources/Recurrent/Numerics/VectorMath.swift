/// Vectorized float32 exp, sigmoid and tanh for the gate kernels.
///
/// libm's scalar expf/tanhf were 55% of all instructions in a training profile (callgrind, `seed`
/// configuration); these process 8 lanes at a time with plain SIMD arithmetic (no table
/// lookups, no branches), so they vectorize on baseline x86-64 (SSE2) and better where the
/// compiler may use AVX.
///
/// - exp: Cephes' expf: n = round(x·log₂e), r = x − n·ln2 (ln2 split in two parts for exactness),
///   a degree-6 polynomial in r, times 2ⁿ built in the exponent bits. Input clamped to
///   [−87.3, 88.7]; relative error about 2 ulp.
/// - sigmoid: 1 / (1 + exp(−x)), accurate in relative terms on both tails.
/// - tanh: Eigen's rational approximation (degree 13 / 6) on x clamped to ±7.905 (where tanh
///   rounds to ±1 in float32); tanh(x) = x below 4e-4. Error a few ulp.
enum VectorMath {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: V) -> V {
        var x = clamp(x, -87.336_544, 88.722_83)
        // Round to nearest through the 1.5·2²³ trick: exact and SSE2-only.
        let magic = V(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        x = x - n * 0.693_359_375 - n * -2.121_944_4e-4
        let z = x * x
        var y = V(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        // 2ⁿ: n is the low bits of `shifted`'s significand.
        let ni = SIMD8<Int32>(truncatingIfNeeded: shifted.bitPattern(as: UInt32.self)) &- 0x4B40_0000
        let scale = V(bitPatterns: SIMD8<UInt32>(truncatingIfNeeded: (ni &+ 127) &<< 23))
        return y * scale
    }

    @inline(__always)
    static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    @inline(__always)
    static func tanh(_ x: V) -> V {
        let c = clamp(x, -7.905_311_107_635_498, 7.905_311_107_635_498)
        let x2 = c * c
        var p = V(repeating: -2.760_768_477_423_55e-16)
        p = p * x2 + 2.000_187_904_824_77e-13
        p = p * x2 + -8.604_671_522_137_35e-11
        p = p * x2 + 5.122_297_090_371_14e-8
        p = p * x2 + 1.485_722_357_179_79e-5
        p = p * x2 + 6.372_619_288_754_36e-4
        p = p * x2 + 4.893_524_558_917_86e-3
        p = p * c
        var q = V(repeating: 1.198_258_394_667_02e-6)
        q = q * x2 + 1.185_347_056_866_54e-4
        q = q * x2 + 2.268_434_632_439_00e-3
        q = q * x2 + 4.893_525_185_543_85e-3
        let r = p / q
        return r.replacing(with: x, where: abs(x) .< 0.000_4)
    }

    /// Compare-and-select: the standard library's `clamped` goes through `pointwiseMin/Max`,
    /// which were not inlined and cost 36% of training instructions (callgrind, `seed`).
    @inline(__always)
    static func clamp(_ x: V, _ lo: Float, _ hi: Float) -> V {
        let low = V(repeating: lo), high = V(repeating: hi)
        return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    // MARK: Arrays

    /// dst[i] = f(src[i]) for i < n; src and dst may be the same.
    @inline(__always)
    static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(v), as: V.self)
            i += 8
        }
        if i < n {
            var v = V(repeating: 0)
            for k in 0..<(n - i) { v[k] = src[i + k] }
            let r = f(v)
            for k in 0..<(n - i) { dst[i + k] = r[k] }
        }
    }

    @inline(__always)
    static func abs(_ x: V) -> V { V(bitPatterns: x.bitPattern(as: UInt32.self) & 0x7FFF_FFFF) }
}

extension SIMD8 where Scalar == Float {
    @inline(__always)
    func bitPattern(as: UInt32.Type) -> SIMD8<UInt32> {
        unsafeBitCast(self, to: SIMD8<UInt32>.self)
    }

    @inline(__always)
    init(bitPatterns bits: SIMD8<UInt32>) {
        self = unsafeBitCast(bits, to: SIMD8<Float>.self)
    }
}
