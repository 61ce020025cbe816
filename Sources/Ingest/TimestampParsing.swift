/// One ISO 8601 time stamp read from field bytes.
struct ParsedTimestamp {
    /// Seconds since 1970-01-01T00:00:00Z; a time without zone is read as if it were UTC.
    var seconds: Double
    /// UTC offset in seconds (0 without zone or with `Z`).
    var offset: Int32
    var hasTime: Bool
    var separator: UInt8
    var hasSeconds: Bool
    var fractionDigits: Int
    var zone: TimeAxis.Zone
}

/// Reads `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `HH:MM:SS` or
/// `HH:MM:SS.fff`, optionally followed by `Z` or an offset `±HH:MM`, `±HHMM` or `±HH`.
enum TimestampParser {
    enum Result {
        case success(ParsedTimestamp)
        /// Has the shape of a time stamp but names no real instant (`2021-02-30`, `25:00`).
        case invalid(String)
        case notATimestamp
    }

    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for k in at..<(at + count) {
            let d = p[k] &- 0x30
            if d >= 10 { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// Why a field is not a valid time stamp; trivially copyable so the hot path never
    /// touches reference counts.
    enum Failure {
        case none
        case notATimestamp
        case month(Int)
        case day(year: Int, month: Int, day: Int)
        case hour(Int)
        case minute(Int)
        case second(Int)
        case offset
    }

    static func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> Result {
        var parsed = ParsedTimestamp(seconds: 0, offset: 0, hasTime: false, separator: 0, hasSeconds: false, fractionDigits: 0, zone: .none)
        let failure = scan(p, count, into: &parsed)
        if case .none = failure { return .success(parsed) }
        return result(of: failure)
    }

    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ count: Int, into result: inout ParsedTimestamp) -> Failure {
        var i = 0
        var end = count
        while i < end && p[i] == 0x20 { i += 1 }
        while end > i && p[end - 1] == 0x20 { end -= 1 }
        let n = end - i
        let q = p + i
        guard n >= 10, q[4] == UInt8(ascii: "-"), q[7] == UInt8(ascii: "-"),
              let year = digits(q, 0, 4), let month = digits(q, 5, 2), let day = digits(q, 8, 2)
        else { return .notATimestamp }
        guard month >= 1 && month <= 12 else { return .month(month) }
        guard day >= 1 && day <= CalendarMath.daysInMonth(year: year, month: month) else {
            return .day(year: year, month: month, day: day)
        }
        result = ParsedTimestamp(
            seconds: Double(CalendarMath.daysFromCivil(year: year, month: month, day: day)) * 86_400,
            offset: 0, hasTime: false, separator: UInt8(ascii: "T"), hasSeconds: false,
            fractionDigits: 0, zone: .none)
        if n == 10 { return .none }

        let separator = q[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "t"),
              n >= 16, q[13] == UInt8(ascii: ":"),
              let hour = digits(q, 11, 2), let minute = digits(q, 14, 2)
        else { return .notATimestamp }
        var k = 16
        var second = 0
        var fraction = 0.0
        if k < n && q[k] == UInt8(ascii: ":") {
            guard n >= 19, let s = digits(q, 17, 2) else { return .notATimestamp }
            second = s
            result.hasSeconds = true
            k = 19
            if k < n && (q[k] == UInt8(ascii: ".") || q[k] == UInt8(ascii: ",")) {
                k += 1
                var scale = 0.1
                let first = k
                while k < n, q[k] &- 0x30 < 10 {
                    fraction += Double(q[k] &- 0x30) * scale
                    scale /= 10
                    k += 1
                }
                guard k > first else { return .notATimestamp }
                result.fractionDigits = k - first
            }
        }
        guard hour <= 23 else { return .hour(hour) }
        guard minute <= 59 else { return .minute(minute) }
        guard second <= 59 else { return .second(second) }
        result.hasTime = true
        result.separator = separator == UInt8(ascii: "t") ? UInt8(ascii: "T") : separator
        result.seconds += Double(hour * 3600 + minute * 60 + second) + fraction

        if k < n {
            let z = q[k]
            if (z == UInt8(ascii: "Z") || z == UInt8(ascii: "z")) && k + 1 == n {
                result.zone = .utc
            } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
                let rest = n - k - 1
                var offsetHours = 0
                var offsetMinutes = 0
                if rest == 2, let h = digits(q, k + 1, 2) {
                    offsetHours = h
                } else if rest == 4, let h = digits(q, k + 1, 2), let m = digits(q, k + 3, 2) {
                    offsetHours = h; offsetMinutes = m
                } else if rest == 5, q[k + 3] == UInt8(ascii: ":"), let h = digits(q, k + 1, 2), let m = digits(q, k + 4, 2) {
                    offsetHours = h; offsetMinutes = m
                } else {
                    return .notATimestamp
                }
                guard offsetHours <= 23, offsetMinutes <= 59 else { return .offset }
                let offset = (offsetHours * 3600 + offsetMinutes * 60) * (z == UInt8(ascii: "-") ? -1 : 1)
                result.offset = Int32(offset)
                result.seconds -= Double(offset)
                result.zone = .offset
            } else {
                return .notATimestamp
            }
        }
        return .none
    }

    /// An integer index such as `0`, `42` or `-3`, surrounded by optional spaces.
    static func parseInteger(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        var end = count
        while i < end && p[i] == 0x20 { i += 1 }
        while end > i && p[end - 1] == 0x20 { end -= 1 }
        var negative = false
        if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
            negative = p[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, end - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < end {
            let d = p[i] &- 0x30
            if d >= 10 { return nil }
            value = value * 10 + Int64(d)
            i += 1
        }
        return negative ? -value : value
    }
}

extension TimestampParser {
    /// Largest magnitude read as Unix seconds: 9999-12-31T23:59:59Z, so that every value prints
    /// as a four-digit year.
    static let unixSecondsLimit = 253_402_300_799.0

    /// Seconds since 1970-01-01T00:00:00Z written as a decimal number (`1713484800`,
    /// `1713484800.25`, `-86400`); raises `fractionDigits` to the digits after the point.
    static func unixSeconds(_ p: UnsafePointer<UInt8>, _ count: Int, fractionDigits: inout Int) -> Double? {
        guard let value = NumberParser.parse(p, count, decimalComma: false), abs(value) <= unixSecondsLimit else { return nil }
        if value != value.rounded(.towardZero) {
            var k = 0
            while k < count && p[k] != UInt8(ascii: ".") { k += 1 }
            var digits = 0
            k += 1
            while k < count && p[k] &- 0x30 < 10 { digits += 1; k += 1 }
            // Printing goes through Double: more than microseconds would only show rounding noise.
            fractionDigits = max(fractionDigits, min(digits, 6))
        }
        return value
    }

    static func unixSeconds(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        var digits = 0
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeMutableBufferPointer { unixSeconds($0.baseAddress!, $0.count, fractionDigits: &digits) }
    }
}
