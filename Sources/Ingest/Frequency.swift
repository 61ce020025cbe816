/// The sampling step of a time axis.
public struct Frequency: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        /// An integer index advancing by this much.
        case index(Double)
        /// A fixed number of seconds (minutes, hours, days, weeks).
        case seconds(Double)
        /// Monday to Friday, weekends skipped.
        case businessDay
        /// Calendar months on the same day of the month (or always the last day).
        case months(Int)
    }

    public var step: Step
    /// Share of consecutive rows exactly one step apart (1 for a perfectly regular series).
    public var regularity: Double

    /// "30 min", "hourly", "daily", "business day", "weekly", "monthly", "quarterly",
    /// "yearly", "index step 1", ...; prefixed with "irregular, mostly " when fewer than half
    /// of the steps match.
    public var description: String {
        let base: String
        switch step {
        case .index(let s): base = "index step \(Frequency.number(s))"
        case .businessDay: base = "business day"
        case .months(let k):
            switch k {
            case 1: base = "monthly"
            case 3: base = "quarterly"
            case 12: base = "yearly"
            default: base = k % 12 == 0 ? "every \(k / 12) years" : "every \(k) months"
            }
        case .seconds(let d):
            if d.truncatingRemainder(dividingBy: 604_800) == 0 {
                base = d == 604_800 ? "weekly" : "\(Frequency.number(d / 604_800)) weeks"
            } else if d.truncatingRemainder(dividingBy: 86_400) == 0 {
                base = d == 86_400 ? "daily" : "\(Frequency.number(d / 86_400)) days"
            } else if d.truncatingRemainder(dividingBy: 3600) == 0 {
                base = d == 3600 ? "hourly" : "\(Frequency.number(d / 3600)) h"
            } else if d.truncatingRemainder(dividingBy: 60) == 0 {
                base = "\(Frequency.number(d / 60)) min"
            } else {
                base = "\(Frequency.number(d)) s"
            }
        }
        return regularity < 0.5 ? "irregular, mostly \(base)" : base
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// A place where consecutive rows are further apart than one step.
public struct Gap: Sendable, Equatable {
    /// The row before the gap; the row after it is `afterRow + 1`.
    public var afterRow: Int
    /// Steps missing between the two rows, or `nil` when the distance is not a whole number
    /// of steps.
    public var missingSteps: Int?

    public init(afterRow: Int, missingSteps: Int?) {
        self.afterRow = afterRow
        self.missingSteps = missingSteps
    }
}

/// The inferred frequency of a time axis and every gap in it.
public struct FrequencyInference: Sendable, Equatable {
    /// `nil` with fewer than two rows.
    public var frequency: Frequency?
    public var gaps: [Gap]
    /// Rows closer to their predecessor than one step, or off the step grid.
    public var irregularSteps: Int

    /// Looks at consecutive differences: calendar months when every row sits on the same day
    /// of the month (or on month ends) at the same time of day; business days when the
    /// step is mostly one day, no row falls on a weekend and some Friday is followed by a
    /// Monday; otherwise the most common difference.
    public init(_ axis: TimeAxis) {
        frequency = nil
        gaps = []
        irregularSteps = 0
        let n = axis.count
        guard n >= 2 else { return }
        if axis.isCalendar, let months = FrequencyInference.monthSteps(axis) {
            let (k, count) = FrequencyInference.mode(months)
            record(steps: months.map(Double.init), step: Double(k), matches: count)
            frequency = Frequency(step: .months(k), regularity: Double(count) / Double(n - 1))
            return
        }
        let diffs = (1..<n).map { axis.values[$0] - axis.values[$0 - 1] }
        let (d, count) = FrequencyInference.mode(diffs)
        if axis.isCalendar && d == 86_400, let businessDays = FrequencyInference.businessDaySteps(axis) {
            let matches = businessDays.filter { $0 == 1 }.count
            record(steps: businessDays.map(Double.init), step: 1, matches: matches)
            frequency = Frequency(step: .businessDay, regularity: Double(matches) / Double(n - 1))
            return
        }
        record(steps: diffs, step: d, matches: count)
        frequency = Frequency(step: axis.isCalendar ? .seconds(d) : .index(d), regularity: Double(count) / Double(n - 1))
    }

    private mutating func record(steps: [Double], step: Double, matches: Int) {
        guard step > 0 else {
            irregularSteps = steps.count - matches
            return
        }
        for (i, s) in steps.enumerated() where s != step {
            let ratio = s / step
            if ratio > 1 && ratio < 1e15 && ratio == ratio.rounded() {
                gaps.append(Gap(afterRow: i, missingSteps: Int(ratio) - 1))
            } else if ratio > 1 {
                gaps.append(Gap(afterRow: i, missingSteps: nil))
                irregularSteps += 1
            } else {
                irregularSteps += 1
            }
        }
    }

    /// Most common value (the smaller one on a tie).
    private static func mode<T: Hashable & Comparable>(_ values: [T]) -> (T, Int) {
        // Fast path for regular series: a value held by a majority is the mode.
        let first = values[0]
        let firstCount = values.reduce(0) { $0 + ($1 == first ? 1 : 0) }
        if firstCount * 2 > values.count { return (first, firstCount) }
        var counts: [T: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }.map { ($0.key, $0.value) }!
    }

    /// Month differences, or nil unless all rows share a day of month (or are month ends)
    /// and a time of day, and the common step is at least one month.
    private static func monthSteps(_ axis: TimeAxis) -> [Int]? {
        var monthIndex: [Int] = []
        monthIndex.reserveCapacity(axis.count)
        var day: Int?
        var allMonthEnds = true
        var sameDay = true
        var secondOfDay: Double?
        for i in 0..<axis.count {
            let (days, second) = CalendarMath.split(seconds: axis.wallClockSeconds(at: i))
            if let s = secondOfDay, s != second { return nil }
            secondOfDay = second
            let date = CalendarMath.civilFromDays(days)
            if let d = day, d != date.day { sameDay = false }
            day = date.day
            if date.day != CalendarMath.daysInMonth(year: date.year, month: date.month) { allMonthEnds = false }
            if !sameDay && !allMonthEnds { return nil }
            monthIndex.append(date.year * 12 + date.month - 1)
        }
        let steps = (1..<monthIndex.count).map { monthIndex[$0] - monthIndex[$0 - 1] }
        guard mode(steps).0 >= 1 else { return nil }
        return steps
    }

    /// Business days between consecutive rows, or nil if any row is on a weekend or no
    /// Friday-to-Monday step exists.
    private static func businessDaySteps(_ axis: TimeAxis) -> [Int]? {
        let days = (0..<axis.count).map { CalendarMath.split(seconds: axis.wallClockSeconds(at: $0)).days }
        guard days.allSatisfy({ CalendarMath.weekday(days: $0) < 5 }) else { return nil }
        var sawWeekendSkip = false
        var steps: [Int] = []
        steps.reserveCapacity(days.count - 1)
        for i in 1..<days.count {
            if days[i] - days[i - 1] == 3 && CalendarMath.weekday(days: days[i - 1]) == 4 { sawWeekendSkip = true }
            steps.append(businessDays(from: days[i - 1], to: days[i]))
        }
        return sawWeekendSkip ? steps : nil
    }

    /// Weekdays in (from, to].
    static func businessDays(from: Int, to: Int) -> Int {
        func weekdaysUpTo(_ day: Int) -> Int {
            // Weekdays in [epoch Monday, day]; 1969-12-29 was a Monday (day -3).
            let offset = day + 3
            let weeks = offset >= 0 ? offset / 7 : (offset - 6) / 7
            let rest = offset - weeks * 7
            return weeks * 5 + min(rest + 1, 5)
        }
        return weekdaysUpTo(to) - weekdaysUpTo(from)
    }
}
