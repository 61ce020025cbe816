/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
/// The same seed gives the same stream on every machine, which is what makes initialization,
/// shuffling and dropout reproducible.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The four state words, to send a stream to another process and rebuild it there.
    var words: [UInt64] { [s0, s1, s2, s3] }

    init(words w: [UInt64]) { (s0, s1, s2, s3) = (w[0], w[1], w[2], w[3]) }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [-bound, bound).
    public mutating func uniform(bound: Double) -> Double { (nextUnit() * 2 - 1) * bound }

    /// A Fisher–Yates shuffle driven by this generator only (the standard library's `shuffle`
    /// does not promise the same permutation across versions).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}
