/// The time stamps of a table's rows, kept as numbers plus the style needed to print them
/// back the way the file wrote them.
public struct TimeAxis: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Integers (an index column, or row numbers when the file has no time column).
        case index
        /// `YYYY-MM-DD`, stored as midnight UTC.
        case date
        case dateTime(DateTimeStyle)
    }

    /// Whether and how a date-time carries its zone.
    public enum Zone: Sendable, Equatable {
        /// No zone: wall-clock time, stored as if it were UTC.
        case none
        /// `Z` on every row.
        case utc
        /// A numeric offset such as `+01:00` (per row, see `utcOffsets`).
        case offset
    }

    public struct DateTimeStyle: Sendable, Equatable {
        /// `"T"` or `" "` between date and time.
        public var separator: Character
        public var hasSeconds: Bool
        public var fractionDigits: Int
        public var zone: Zone

        public init(separator: Character = "T", hasSeconds: Bool = true, fractionDigits: Int = 0, zone: Zone = .none) {
            self.separator = separator
            self.hasSeconds = hasSeconds
            self.fractionDigits = fractionDigits
            self.zone = zone
        }
    }

    public var kind: Kind
    /// Seconds since 1970-01-01T00:00:00Z for dates and date-times, the integer for an index.
    public var values: [Double]
    /// The UTC offset in seconds of each row when the zone is `.offset`; empty otherwise.
    public var utcOffsets: [Int32]

    public init(kind: Kind, values: [Double], utcOffsets: [Int32] = []) {
        self.kind = kind
        self.values = values
        self.utcOffsets = utcOffsets
    }

    public var count: Int { values.count }

    /// True for dates and date-times, false for an integer index.
    public var isCalendar: Bool {
        if case .index = kind { return false }
        return true
    }

    /// Seconds since the epoch of the local wall-clock reading of row `i` (the offset added
    /// back); used for calendar features and calendar frequencies.
    public func wallClockSeconds(at i: Int) -> Double {
        utcOffsets.isEmpty ? values[i] : values[i] + Double(utcOffsets[i])
    }

    /// Row `i`'s time stamp in the file's own style (`2012-01-03`, `2000-06-05T00:30:00`, `17`).
    public func string(at i: Int) -> String {
        switch kind {
        case .index:
            return String(Int64(values[i]))
        case .date:
            return TimeAxis.formatDate(days: CalendarMath.split(seconds: values[i]).days)
        case .dateTime(let style):
            let offset = utcOffsets.isEmpty ? 0 : Int(utcOffsets[i])
            return TimeAxis.formatDateTime(values[i] + Double(offset), style: style, offset: offset)
        }
    }

    /// Reads a time stamp written like this axis's values (an integer for an index axis,
    /// ISO 8601 otherwise; a date-only string is accepted for a date-time axis).
    public func parse(_ text: String) throws -> Double {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            let p = UnsafePointer(buffer.baseAddress!)
            if case .index = kind {
                guard let value = TimestampParser.parseInteger(p, buffer.count) else {
                    throw IngestError("expected an integer index, found \(IngestError.quote(text))")
                }
                return Double(value)
            }
            switch TimestampParser.parse(p, buffer.count) {
            case .success(let parsed):
                return parsed.seconds
            case .invalid(let reason):
                throw IngestError("\(IngestError.quote(text)) is not a valid date: \(reason)")
            case .notATimestamp:
                throw IngestError("expected an ISO 8601 date like 2020-01-31 or date-time like 2020-01-31T14:30:00, found \(IngestError.quote(text))")
            }
        }
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    static func formatDate(days: Int) -> String {
        let (year, month, day) = CalendarMath.civilFromDays(days)
        var yearText = String(abs(year))
        while yearText.count < 4 { yearText = "0" + yearText }
        return (year < 0 ? "-" : "") + yearText + "-" + twoDigits(month) + "-" + twoDigits(day)
    }

    static func formatDateTime(_ wallClock: Double, style: DateTimeStyle, offset: Int) -> String {
        let scaleFactor = pow10(style.fractionDigits)
        // Round once to the printed precision so 59.9999 does not print as :59 with .1000.
        let ticks = (wallClock * scaleFactor).rounded()
        let wholeSeconds = Int((ticks / scaleFactor).rounded(.down))
        let (days, secondOfDay) = CalendarMath.split(seconds: Double(wholeSeconds))
        let s = Int(secondOfDay)
        var text = formatDate(days: days) + String(style.separator)
            + twoDigits(s / 3600) + ":" + twoDigits(s / 60 % 60)
        if style.hasSeconds || style.fractionDigits > 0 {
            text += ":" + twoDigits(s % 60)
        }
        if style.fractionDigits > 0 {
            let fractionTicks = Int(ticks - Double(wholeSeconds) * scaleFactor)
            var digits = String(fractionTicks)
            while digits.count < style.fractionDigits { digits = "0" + digits }
            text += "." + digits
        }
        switch style.zone {
        case .none: break
        case .utc: text += "Z"
        case .offset:
            let magnitude = abs(offset)
            text += (offset < 0 ? "-" : "+") + twoDigits(magnitude / 3600) + ":" + twoDigits(magnitude / 60 % 60)
        }
        return text
    }

    private static func pow10(_ n: Int) -> Double {
        var value = 1.0
        for _ in 0..<n { value *= 10 }
        return value
    }
}
