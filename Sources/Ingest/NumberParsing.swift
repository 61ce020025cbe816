#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a decimal number straight from field bytes, without creating a Swift `String`.
///
/// Accepts surrounding spaces, a sign, digits with optional thousands grouping (`1,234,567`,
/// groups of exactly three), a fractional part and an exponent. In decimal-comma mode a field
/// containing `,` uses `,` as the decimal point and `.` for grouping (`1.234,5`); a field
/// without `,` is read with `.` as the decimal point. Returns `nil` for anything else,
/// including `inf`, `nan` and values out of `Double` range.
enum NumberParser {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Plain `-123.456`-style fields of at most 19 characters (no grouping, exponent or
    /// spaces) take this branch-light path; anything else falls through to `parseGeneral`.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ count: Int, decimalComma: Bool) -> Double? {
        if count == 0 || count > 19 || decimalComma {
            return parseGeneral(p, count, decimalComma: decimalComma)
        }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let integerStart = i
        var mantissa: UInt64 = 0
        while i < count {
            let d = p[i] &- 0x30
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let integerDigits = i - integerStart
        var fractionDigits = 0
        if i < count && p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < count {
                let d = p[i] &- 0x30
                if d >= 10 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fractionDigits = i - fractionStart
        }
        guard i == count, integerDigits + fractionDigits > 0, mantissa <= (1 << 53) else {
            return parseGeneral(p, count, decimalComma: decimalComma)
        }
        var value = Double(mantissa)
        if fractionDigits > 0 { value /= exactPowersOfTen[fractionDigits] }
        return negative ? -value : value
    }

    static func parseGeneral(_ p: UnsafePointer<UInt8>, _ count: Int, decimalComma: Bool) -> Double? {
        var i = 0
        var end = count
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        if i == end { return nil }
        let start = i
        var point = UInt8(ascii: ".")
        var group = UInt8(ascii: ",")
        if decimalComma {
            var hasComma = false
            var k = i
            while k < end { if p[k] == UInt8(ascii: ",") { hasComma = true; break }; k += 1 }
            if hasComma { point = UInt8(ascii: ","); group = UInt8(ascii: ".") } else { group = 0xFF }
        }
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }

        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        var dropped = false
        var firstGroupLength = 0
        var groupLength = -1
        while i < end {
            let c = p[i]
            let d = c &- 0x30
            if d < 10 {
                sawDigit = true
                if mantissa == 0 && d == 0 {
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                } else {
                    exponent += 1
                    if d != 0 { dropped = true }
                }
                if groupLength >= 0 { groupLength += 1 } else { firstGroupLength += 1 }
            } else if c == group {
                if groupLength < 0 {
                    if firstGroupLength == 0 || firstGroupLength > 3 { return nil }
                } else if groupLength != 3 {
                    return nil
                }
                groupLength = 0
            } else {
                break
            }
            i += 1
        }
        if groupLength >= 0 && groupLength != 3 { return nil }
        if i < end && p[i] == point {
            i += 1
            while i < end {
                let d = p[i] &- 0x30
                if d >= 10 { break }
                sawDigit = true
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                i += 1
            }
        }
        if !sawDigit { return nil }
        if i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var exponentDigits = 0
            while i < end {
                let d = p[i] &- 0x30
                if d >= 10 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += exponentNegative ? -e : e
        }
        if i != end { return nil }

        var value: Double
        if mantissa == 0 {
            value = 0
        } else if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: both operands are exact, so one operation rounds correctly.
            value = Double(mantissa)
            value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
        } else {
            guard let slow = slowParse(p + start, end - start, point: point, group: group) else { return nil }
            return slow
        }
        return negative ? -value : value
    }

    /// What `parseDecorated` set aside to read a number.
    enum Decoration: Equatable {
        /// `$`, `€`, `£`, `¥` or `₹` before or after the number.
        case currency
        /// `%` after the number; the value is kept in percent (`12.5%` reads 12.5).
        case percent
    }

    /// A number with a currency symbol (`$1,234.50`, `-$3.20`, `$-3.20`, `€ 12`, `12 €`) or a
    /// percent sign (`12.5%`, `-0,5 %` with a decimal comma), read as `parse` reads the number
    /// alone; nil for anything else. Kept off the hot path: the reader tries it only on cells
    /// `parse` refused.
    @inline(never)
    static func parseDecorated(_ p: UnsafePointer<UInt8>, _ count: Int, decimalComma: Bool) -> (Double, Decoration)? {
        var i = 0
        var end = count
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        guard end - i >= 2 else { return nil }
        func number(_ from: Int, _ to: Int) -> Double? {
            var a = from, b = to
            while a < b && p[a] == 0x20 { a += 1 }
            while b > a && p[b - 1] == 0x20 { b -= 1 }
            return b > a ? parse(p + a, b - a, decimalComma: decimalComma) : nil
        }
        if p[end - 1] == UInt8(ascii: "%") {
            return number(i, end - 1).map { ($0, .percent) }
        }
        var negative = false
        var start = i
        if p[start] == UInt8(ascii: "-") || p[start] == UInt8(ascii: "+") {
            negative = p[start] == UInt8(ascii: "-")
            start += 1
        }
        if let length = currencySymbol(p, at: start, end: end) {
            let bodyStart = start + length
            // One sign only: "-$-3" is not a number.
            if start > i, bodyStart < end, p[bodyStart] == UInt8(ascii: "-") || p[bodyStart] == UInt8(ascii: "+") { return nil }
            return number(bodyStart, end).map { (negative ? -$0 : $0, .currency) }
        }
        for length in [1, 2, 3] where end - length > i && currencySymbol(p, at: end - length, end: end) == length {
            return number(i, end - length).map { ($0, .currency) }
        }
        return nil
    }

    /// Byte length of the currency symbol at `i`, if one is there.
    private static func currencySymbol(_ p: UnsafePointer<UInt8>, at i: Int, end: Int) -> Int? {
        guard i < end else { return nil }
        switch p[i] {
        case UInt8(ascii: "$"): return 1
        case 0xC2 where i + 1 < end && (p[i + 1] == 0xA3 || p[i + 1] == 0xA5): return 2            // £ ¥
        case 0xE2 where i + 2 < end && p[i + 1] == 0x82 && (p[i + 2] == 0xAC || p[i + 2] == 0xB9): return 3  // € ₹
        default: return nil
        }
    }

    /// Correctly rounded fallback through `strtod` for long or extreme numbers.
    private static func slowParse(_ p: UnsafePointer<UInt8>, _ count: Int, point: UInt8, group: UInt8) -> Double? {
        var text = [CChar]()
        text.reserveCapacity(count + 1)
        for k in 0..<count {
            let c = p[k]
            if c == group { continue }
            text.append(CChar(bitPattern: c == point ? UInt8(ascii: ".") : c))
        }
        text.append(0)
        let value = text.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        return value.isFinite ? value : nil
    }
}

/// Case-insensitive matching of field bytes against the missing-value tokens.
struct MissingTokenMatcher {
    private let tokens: [[UInt8]]

    init(_ tokens: [String]) {
        self.tokens = tokens.map { Array($0.utf8).map(MissingTokenMatcher.lower) }
    }

    @inline(__always)
    private static func lower(_ c: UInt8) -> UInt8 {
        c >= 0x41 && c <= 0x5A ? c | 0x20 : c
    }

    /// True for an empty or blank field, or one equal to a token.
    func matches(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        var end = count
        while i < end && (p[i] == 0x20 || p[i] == 0x09) { i += 1 }
        while end > i && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        let length = end - i
        if length == 0 { return true }
        outer: for token in tokens where token.count == length {
            for k in 0..<length where MissingTokenMatcher.lower(p[i + k]) != token[k] { continue outer }
            return true
        }
        return false
    }
}
