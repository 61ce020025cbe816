#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Number to text conversions used by the writers.
public enum NumberFormat {
    /// The shortest text that parses back to exactly `value` (Swift's `description`), with
    /// non-finite values written as `NaN`, `inf` and `-inf`, tokens that pandas, R and Ingest read.
    public static func roundTrip(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return value.description
    }

    /// `value` with `significantDigits` significant digits, for tables meant to be read by people
    /// (C's `%.*g` in the C locale, so `1234.56` with 4 digits is `1235` and `0.000123` stays
    /// `0.000123`).
    /// `nil` and non-finite values are written as `n/a`.
    public static func display(_ value: Double?, significantDigits: Int = 4) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return cFormat("%.*g", Int32(significantDigits), value)
    }

    /// `value` with exactly `decimals` digits after the point (C's `%.*f` in the C locale).
    static func fixed(_ value: Double, decimals: Int) -> String {
        cFormat("%.*f", Int32(max(0, min(decimals, 20))), value)
    }

    private static func cFormat(_ format: String, _ precision: Int32, _ value: Double) -> String {
        // A decimal point, never a comma, whatever locale the process has set.
        #if canImport(Glibc) || canImport(Musl)
        let previous = uselocale(cLocale.value)
        defer { uselocale(previous) }
        #endif
        var buffer = [CChar](repeating: 0, count: 64)
        let n = withVaList([precision, value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
        }
        if n < 0 { return value.description }
        if Int(n) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([precision, value]) { args in
                buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc) || canImport(Musl)
/// The C locale, created once; `locale_t` is an opaque pointer that is safe to share.
private struct CLocale: @unchecked Sendable {
    let value: locale_t? = newlocale(Int32(1) << LC_NUMERIC, "C", nil)
}
private let cLocale = CLocale()
#endif
