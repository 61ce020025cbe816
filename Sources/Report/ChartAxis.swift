#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tick positions for chart axes: round numbers (1, 2 or 5 times a power of ten) that cover the
/// data's range.
public enum ChartAxis {
    /// Ticks for a linear axis covering `lower ... upper`, about `approximateCount` of them;
    /// the first tick is at or below `lower` and the last at or above `upper`. With
    /// `integersOnly` the step is at least 1. A degenerate or non-finite range is widened first.
    public static func linearTicks(
        lower: Double, upper: Double, approximateCount: Int = 5, integersOnly: Bool = false
    ) -> [Double] {
        var (lo, hi) = (min(lower, upper), max(lower, upper))
        guard lo.isFinite, hi.isFinite else { return [0, 1] }
        if hi - lo <= Swift.max(abs(hi), abs(lo)) * 1e-12 {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        var step = niceStep((hi - lo) / Double(Swift.max(1, approximateCount)))
        if integersOnly { step = Swift.max(1, step.rounded(.up)) }
        let first = (lo / step).rounded(.down)
        let last = (hi / step).rounded(.up)
        return stride(from: first, through: last, by: 1).map { ($0 * step).cleaned(step: step) }
    }

    /// Ticks for a logarithmic axis covering the positive range `lower ... upper`: the powers of
    /// ten around it, with 2 and 5 times them when the range spans fewer than three decades.
    public static func logTicks(lower: Double, upper: Double) -> [Double] {
        guard lower > 0, upper >= lower, upper.isFinite else { return [1, 10] }
        let firstDecade = Int(log10(lower).rounded(.down))
        var lastDecade = Int(log10(upper).rounded(.up))
        if lastDecade == firstDecade { lastDecade += 1 }
        let multiples: [Double] = lastDecade - firstDecade < 3 ? [1, 2, 5] : [1]
        var ticks: [Double] = []
        for decade in firstDecade...lastDecade {
            for m in multiples {
                let tick = m * pow10(decade)
                if decade == lastDecade && m > 1 { break }
                ticks.append(tick)
            }
        }
        // Drop the 2s and 5s that lie beyond the data so that the axis does not stretch.
        while ticks.count > 2, ticks[1] <= lower { ticks.removeFirst() }
        while ticks.count > 2, ticks[ticks.count - 2] >= upper { ticks.removeLast() }
        return ticks
    }

    /// The text for `value` on an axis whose ticks are `step` apart: enough decimals to tell the
    /// ticks apart, scientific notation for very large or very small values.
    public static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 { return NumberFormat.display(value, significantDigits: 3) }
        let decimals = step > 0 ? Swift.max(0, -Int(log10(step).rounded(.down))) : 0
        return NumberFormat.fixed(value, decimals: decimals)
    }

    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let exponent = Int(log10(rough).rounded(.down))
        let base = pow10(exponent)
        let fraction = rough / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }
}

func pow10(_ exponent: Int) -> Double { pow(10, Double(exponent)) }

extension Double {
    /// Rounds away the binary noise of `k * step` (0.30000000000000004 becomes 0.3).
    func cleaned(step: Double) -> Double {
        let decimals = Swift.max(0, -Int(log10(step).rounded(.down))) + 2
        let scale = pow10(Swift.min(decimals, 15))
        return (self * scale).rounded() / scale
    }
}
