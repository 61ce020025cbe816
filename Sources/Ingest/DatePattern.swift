/// A strftime-like pattern for time stamps that are not ISO 8601, such as `%m/%d/%Y`,
/// `%d.%m.%Y`, `%Y%m%d` or `%m/%d/%Y %H:%M`.
///
/// Directives:
/// - `%Y` a four-digit year; `%y` a two-digit year (69–99 is 1969–1999, 00–68 is 2000–2068, as in POSIX);
/// - `%m` the month, `%d` (or `%e`) the day, `%H` the hour (0–23), `%M` the minute and `%S` the second,
///   each one or two digits (`4/9/2024` and `04/09/2024` both fit `%m/%d/%Y`);
/// - `%b` (or `%B`, `%h`) an English month name, abbreviated or in full, in any case (`Apr`, `APR`,
///   `April`, `Sept`);
/// - `%F` for `%Y-%m-%d`, `%T` for `%H:%M:%S`, `%%` for a percent sign.
///
/// Every other character must appear as written, except that a space matches one or more spaces;
/// spaces around the whole value are ignored. A pattern needs a year; without a day it means the first of
/// the month, without a month January. Times are wall-clock times without zone, stored as if UTC, like ISO
/// values without zone; there is no AM/PM, zone or fraction-of-second directive.
public struct DatePattern: Sendable, Equatable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Equatable, Hashable {
        case year, shortYear, month, monthName, day, hour, minute, second
        /// One or more spaces.
        case space
        case literal(UInt8)
    }

    /// The pattern as written.
    public let text: String
    let tokens: [Token]
    /// True when the pattern reads an hour (the values are date-times, not dates).
    public let hasTime: Bool
    /// True when the pattern reads seconds.
    public let hasSeconds: Bool

    public var description: String { text }

    /// Compiles `text`; throws an `IngestError` naming an unknown directive, a lone `%`, or a
    /// pattern that does not say enough to name a day (no year, a day without a month, ...).
    public init(_ text: String) throws {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        func add(_ token: Token) {
            if token == .space, tokens.last == .space { return }
            tokens.append(token)
        }
        while i < bytes.count {
            let c = bytes[i]
            guard c == UInt8(ascii: "%") else {
                add(c == 0x20 ? .space : .literal(c))
                i += 1
                continue
            }
            guard i + 1 < bytes.count else {
                throw IngestError("date format \(IngestError.quote(text)) ends with a lone %; write %% for a percent sign")
            }
            switch bytes[i + 1] {
            case UInt8(ascii: "Y"): add(.year)
            case UInt8(ascii: "y"): add(.shortYear)
            case UInt8(ascii: "m"): add(.month)
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): add(.monthName)
            case UInt8(ascii: "d"), UInt8(ascii: "e"): add(.day)
            case UInt8(ascii: "H"): add(.hour)
            case UInt8(ascii: "M"): add(.minute)
            case UInt8(ascii: "S"): add(.second)
            case UInt8(ascii: "F"): [.year, .literal(UInt8(ascii: "-")), .month, .literal(UInt8(ascii: "-")), .day].forEach(add)
            case UInt8(ascii: "T"): [.hour, .literal(UInt8(ascii: ":")), .minute, .literal(UInt8(ascii: ":")), .second].forEach(add)
            case UInt8(ascii: "%"): add(.literal(UInt8(ascii: "%")))
            default:
                let directive = "%" + (String(decoding: bytes[(i + 1)...], as: UTF8.self).first.map(String.init) ?? "")
                throw IngestError("date format \(IngestError.quote(text)) has an unknown directive \(directive); use %Y %y %m %b %d %H %M %S (or %F, %T, %%)")
            }
            i += 2
        }
        // Values are trimmed, so spaces at the pattern's ends could never match.
        while tokens.first == .space { tokens.removeFirst() }
        while tokens.last == .space { tokens.removeLast() }

        func count(_ kinds: Token...) -> Int { tokens.filter { kinds.contains($0) }.count }
        let problem: String?
        if count(.year, .shortYear) != 1 {
            problem = count(.year, .shortYear) == 0 ? "has no year (%Y or %y)" : "reads the year twice"
        } else if count(.month, .monthName) > 1 || count(.day) > 1 || count(.hour) > 1 || count(.minute) > 1 || count(.second) > 1 {
            problem = "reads a field twice"
        } else if count(.day) == 1 && count(.month, .monthName) == 0 {
            problem = "has a day (%d) but no month (%m or %b)"
        } else if count(.hour) == 1 && count(.day) == 0 {
            problem = "has an hour (%H) but no day (%d)"
        } else if (count(.minute) == 1 && count(.hour) == 0) || (count(.second) == 1 && count(.minute) == 0) {
            problem = "has minutes (%M) without hours (%H), or seconds (%S) without minutes"
        } else {
            problem = nil
        }
        if let problem { throw IngestError("date format \(IngestError.quote(text)) \(problem)") }
        self.text = text
        self.tokens = tokens
        hasTime = count(.hour) == 1
        hasSeconds = count(.second) == 1
    }

    public static func == (a: DatePattern, b: DatePattern) -> Bool { a.tokens == b.tokens }
    public func hash(into hasher: inout Hasher) { hasher.combine(tokens) }

    /// `text` read with this pattern: seconds since 1970-01-01T00:00:00 (as if UTC); nil when it
    /// does not fit or names no real day or time (`02/30/2024`, `25:00`).
    public func seconds(_ text: String) -> Double? {
        if case .success(let parsed) = parse(text) { return parsed.seconds }
        return nil
    }

    /// The reading of `text`, or why it does not fit.
    func parse(_ text: String) -> TimestampParser.Result {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return .notATimestamp }
        return bytes.withUnsafeMutableBufferPointer { parse($0.baseAddress!, $0.count) }
    }

    func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> TimestampParser.Result {
        var seconds = 0.0
        let failure = scan(p, count, seconds: &seconds)
        if case .none = failure {
            return .success(ParsedTimestamp(seconds: seconds, offset: 0, hasTime: hasTime, separator: UInt8(ascii: "T"),
                                            hasSeconds: hasSeconds, fractionDigits: 0, zone: .none))
        }
        return TimestampParser.result(of: failure)
    }

    /// One or two digits (greedy): `4` or `04`.
    @inline(__always)
    private static func shortNumber(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Int? {
        guard i < end else { return nil }
        let first = p[i] &- 0x30
        guard first < 10 else { return nil }
        i += 1
        guard i < end else { return Int(first) }
        let second = p[i] &- 0x30
        guard second < 10 else { return Int(first) }
        i += 1
        return Int(first) * 10 + Int(second)
    }

    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ].map { Array($0.utf8) }

    /// An English month name at `i`, abbreviated to three letters, in full, or `Sept`.
    private static func monthName(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Int? {
        var k = i
        while k < end, k - i < 10, (p[k] | 0x20) >= UInt8(ascii: "a"), (p[k] | 0x20) <= UInt8(ascii: "z") { k += 1 }
        let length = k - i
        guard length >= 3 else { return nil }
        for (index, name) in monthNames.enumerated() {
            let fits = length == 3 || length == name.count || (index == 8 && length == 4)
            guard fits, length <= name.count else { continue }
            var same = true
            for j in 0..<length where (p[i + j] | 0x20) != name[j] { same = false; break }
            if same { i = k; return index + 1 }
        }
        return nil
    }

    /// Reads `p[0..<count]` into `seconds`; `.none` on success. No allocation: the CSV reader
    /// calls this once per row.
    func scan(_ p: UnsafePointer<UInt8>, _ count: Int, seconds: inout Double) -> TimestampParser.Failure {
        var i = 0
        var end = count
        while i < end && p[i] == 0x20 { i += 1 }
        while end > i && p[end - 1] == 0x20 { end -= 1 }
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0
        for token in tokens {
            switch token {
            case .year:
                guard end - i >= 4 else { return .notATimestamp }
                var value = 0
                for k in i..<(i + 4) {
                    let d = p[k] &- 0x30
                    guard d < 10 else { return .notATimestamp }
                    value = value * 10 + Int(d)
                }
                year = value
                i += 4
            case .shortYear:
                guard end - i >= 2 else { return .notATimestamp }
                let tens = p[i] &- 0x30, ones = p[i + 1] &- 0x30
                guard tens < 10, ones < 10 else { return .notATimestamp }
                let value = Int(tens) * 10 + Int(ones)
                year = value < 69 ? 2000 + value : 1900 + value
                i += 2
            case .monthName:
                guard let value = Self.monthName(p, &i, end) else { return .notATimestamp }
                month = value
            case .month, .day, .hour, .minute, .second:
                guard let value = Self.shortNumber(p, &i, end) else { return .notATimestamp }
                switch token {
                case .month: month = value
                case .day: day = value
                case .hour: hour = value
                case .minute: minute = value
                default: second = value
                }
            case .space:
                guard i < end, p[i] == 0x20 else { return .notATimestamp }
                while i < end && p[i] == 0x20 { i += 1 }
            case .literal(let c):
                guard i < end, p[i] == c else { return .notATimestamp }
                i += 1
            }
        }
        guard i == end else { return .notATimestamp }
        guard month >= 1 && month <= 12 else { return .month(month) }
        guard day >= 1 && day <= CalendarMath.daysInMonth(year: year, month: month) else {
            return .day(year: year, month: month, day: day)
        }
        guard hour <= 23 else { return .hour(hour) }
        guard minute <= 59 else { return .minute(minute) }
        guard second <= 59 else { return .second(second) }
        seconds = Double(CalendarMath.daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Double(hour * 3600 + minute * 60 + second)
        return .none
    }

    /// An instant written in this pattern (for "expected a date like ..." messages).
    public func format(seconds: Double) -> String {
        let (days, secondOfDay) = CalendarMath.split(seconds: seconds)
        let (year, month, day) = CalendarMath.civilFromDays(days)
        let s = Int(secondOfDay)
        var text = ""
        for token in tokens {
            switch token {
            case .year:
                var digits = String(abs(year))
                while digits.count < 4 { digits = "0" + digits }
                text += digits
            case .shortYear: text += TimeAxis.twoDigits(abs(year) % 100)
            case .month: text += TimeAxis.twoDigits(month)
            case .monthName:
                var name = Array(Self.monthNames[month - 1].prefix(3))
                name[0] -= 0x20  // capitalized: "Jan"
                text += String(decoding: name, as: UTF8.self)
            case .day: text += TimeAxis.twoDigits(day)
            case .hour: text += TimeAxis.twoDigits(s / 3600)
            case .minute: text += TimeAxis.twoDigits(s / 60 % 60)
            case .second: text += TimeAxis.twoDigits(s % 60)
            case .space: text += " "
            case .literal(let c): text.unicodeScalars.append(UnicodeScalar(c))
            }
        }
        return text
    }

    /// `2024-01-31 14:30:00` written in this pattern (`01/31/2024`, `31.01.2024 14:30`).
    public var example: String { format(seconds: 1_706_711_400) }

    /// "month first" or "day first" for a pattern that writes both before the year (the two
    /// readings that `04/05/2024` leaves open); nil otherwise.
    public var order: String? {
        guard let monthAt = tokens.firstIndex(where: { $0 == .month }), let dayAt = tokens.firstIndex(of: .day),
              let yearAt = tokens.firstIndex(where: { $0 == .year || $0 == .shortYear }),
              yearAt > monthAt && yearAt > dayAt else { return nil }
        return monthAt < dayAt ? "month first" : "day first"
    }

    /// The formats `CSVOptions.DateFormat.auto` considers for a time column that is neither
    /// ISO 8601 nor an integer index, each also with ` %H:%M` and ` %H:%M:%S` after it. Ambiguous
    /// pairs (`%m/%d/%Y` and `%d/%m/%Y`) are both here: the values decide between them.
    public static let candidates: [DatePattern] = {
        let dates = [
            "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d",
            "%d.%m.%Y", "%m.%d.%Y", "%Y.%m.%d",
            "%m-%d-%Y", "%d-%m-%Y",
            "%m/%d/%y", "%d/%m/%y", "%d.%m.%y",
            "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%b %d, %Y", "%b %d %Y", "%d/%b/%Y",
        ]
        return [String]([dates, dates.map { $0 + " %H:%M" }, dates.map { $0 + " %H:%M:%S" }].joined())
            .map { try! DatePattern($0) }
    }()
}

extension TimestampParser {
    /// The parse result for a scan's failure, with the reason in words.
    static func result(of failure: Failure) -> Result {
        switch failure {
        case .none: return .notATimestamp  // callers handle success themselves
        case .notATimestamp: return .notATimestamp
        case .month(let m): return .invalid("month \(m) does not exist")
        case .day(let year, let month, let day):
            return .invalid("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
        case .hour(let h): return .invalid("hour \(h) does not exist")
        case .minute(let m): return .invalid("minute \(m) does not exist")
        case .second(let s): return .invalid("second \(s) does not exist")
        case .offset: return .invalid("UTC offset out of range")
        }
    }
}
