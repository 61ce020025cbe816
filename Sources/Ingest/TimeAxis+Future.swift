extension TimeAxis {
    /// The time stamps of the `count` rows that would follow the last row at `frequency`,
    /// formatted like the file's own: the times a forecast past the end of the data is for.
    /// Months keep the day of the month (clamped to the month's length); business days skip
    /// weekends. With no rows or no frequency, the stamps are "+1", "+2", ...
    public func futureStrings(count: Int, frequency: Frequency?) -> [String] {
        guard count > 0 else { return [] }
        guard let last = values.last, let frequency else { return (1...count).map { "+\($0)" } }
        var future: [Double] = []
        future.reserveCapacity(count)
        var current = last
        for _ in 0..<count {
            switch frequency.step {
            case .index(let step), .seconds(let step):
                current += step
            case .businessDay:
                repeat { current += 86_400 } while CalendarMath.weekday(days: CalendarMath.split(seconds: current).days) >= 5
            case .months(let k):
                let (days, second) = CalendarMath.split(seconds: current)
                let civil = CalendarMath.civilFromDays(days)
                let monthIndex = civil.year * 12 + (civil.month - 1) + k
                let year = monthIndex / 12, month = monthIndex % 12 + 1
                let day = min(civil.day, CalendarMath.daysInMonth(year: year, month: month))
                current = Double(CalendarMath.daysFromCivil(year: year, month: month, day: day)) * 86_400 + second
            }
            future.append(current)
        }
        let offsets = utcOffsets.isEmpty ? [] : Array(repeating: utcOffsets.last!, count: count)
        let axis = TimeAxis(kind: kind, values: future, utcOffsets: offsets)
        return (0..<count).map { axis.string(at: $0) }
    }
}
