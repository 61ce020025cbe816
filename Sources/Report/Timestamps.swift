#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Timestamps given as seconds since the Unix epoch, formatted for labels and files.
public enum TimestampFormat {
    /// `seconds` as ISO 8601 in UTC: `2024-03-01` when `dateOnly`, else `2024-03-01T12:30:00Z`
    /// (with milliseconds when there are any). Non-finite input gives an empty string.
    public static func iso8601(_ seconds: Double, dateOnly: Bool = false) -> String {
        guard seconds.isFinite, abs(seconds) < 1e14 else { return "" }
        let milliseconds = (seconds * 1000).rounded()
        let whole = (milliseconds / 1000).rounded(.down)
        var time = time_t(whole)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "" }
        let date = pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
        if dateOnly { return date }
        var clock = pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
        let fraction = Int(milliseconds - whole * 1000)
        if fraction > 0 { clock += ("." + pad(fraction, 3)).trimmingTrailingZeros() }
        return date + "T" + clock + "Z"
    }

    /// Labels for a whole series: dates only when every timestamp falls on midnight UTC.
    public static func labels(_ seconds: [Double]) -> [String] {
        let dateOnly = seconds.allSatisfy { !$0.isFinite || $0.truncatingRemainder(dividingBy: 86_400) == 0 }
        return seconds.map { iso8601($0, dateOnly: dateOnly) }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
