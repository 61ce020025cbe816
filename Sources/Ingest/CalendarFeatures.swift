#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cyclical encodings of the time stamps, each as a sin/cos pair so that the end of a cycle
/// sits next to its start (23:30 next to 00:00, December next to January).
public struct CalendarFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `hour_sin`, `hour_cos`: fractional hour of the day over 24.
    public static let hourOfDay = CalendarFeatures(rawValue: 1)
    /// `dayofweek_sin`, `dayofweek_cos`: Monday = 0 ... Sunday = 6, over 7.
    public static let dayOfWeek = CalendarFeatures(rawValue: 2)
    /// `month_sin`, `month_cos`: January = 0 ... December = 11, over 12.
    public static let month = CalendarFeatures(rawValue: 4)
    public static let all: CalendarFeatures = [.hourOfDay, .dayOfWeek, .month]

    /// Names of the columns these features add, in the order they are added.
    public var columnNames: [String] {
        var names: [String] = []
        if contains(.hourOfDay) { names += ["hour_sin", "hour_cos"] }
        if contains(.dayOfWeek) { names += ["dayofweek_sin", "dayofweek_cos"] }
        if contains(.month) { names += ["month_sin", "month_cos"] }
        return names
    }
}

extension Table {
    /// The table with calendar feature columns appended, computed from each row's local
    /// wall-clock time (the file's own UTC offset applied).
    public func addingCalendarFeatures(_ features: CalendarFeatures) throws -> Table {
        guard time.isCalendar else {
            throw IngestError(file: source, "calendar features need dates or date-times, but time column \(IngestError.quote(timeName)) is an integer index")
        }
        var result = self
        var hour: [Double] = [], weekday: [Double] = [], month: [Double] = []
        for i in 0..<rowCount {
            let (days, second) = CalendarMath.split(seconds: time.wallClockSeconds(at: i))
            hour.append(second / 3600)
            weekday.append(Double(CalendarMath.weekday(days: days)))
            month.append(Double(CalendarMath.civilFromDays(days).month - 1))
        }
        func addPair(_ prefix: String, _ values: [Double], period: Double) throws {
            try result.appendColumn(named: "\(prefix)_sin", values: values.map { sin(2 * Double.pi * $0 / period) })
            try result.appendColumn(named: "\(prefix)_cos", values: values.map { cos(2 * Double.pi * $0 / period) })
        }
        if features.contains(.hourOfDay) { try addPair("hour", hour, period: 24) }
        if features.contains(.dayOfWeek) { try addPair("dayofweek", weekday, period: 7) }
        if features.contains(.month) { try addPair("month", month, period: 12) }
        return result
    }
}
