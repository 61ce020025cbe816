#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A line chart rendered as one self-contained SVG document: no external assets, no scripts,
/// no element ids (so several charts can be inlined in one HTML page), every outside string
/// escaped.
///
/// Points with a non-finite coordinate (or, on a logarithmic axis, a value that is not positive)
/// are skipped and break the line. Long lines are thinned to the first, lowest, highest and last
/// point of each pixel column, which draws the same picture. A chart with no drawable point
/// says "No data".
///
/// Bands (shaded areas such as prediction intervals) are drawn first, in the order given, so
/// that markers and lines stay visible on top of them; their points count towards the axes'
/// ranges like the lines' points do.
public struct SVGChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        /// The legend text; series with an empty name stay out of the legend, and series with
        /// the same name and color share one entry.
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Any SVG color, such as `#1f77b4`.
        public var color: String
        public var dashed: Bool
        public var lineWidth: Double

        public init(name: String, x: [Double], y: [Double], color: String, dashed: Bool = false, lineWidth: Double = 1.5) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dashed = dashed
            self.lineWidth = lineWidth
        }
    }

    /// A shaded area between a lower and an upper series over the same x positions, such as a
    /// prediction interval: one filled polygon, without an outline, for each run of drawable
    /// positions.
    ///
    /// A position is drawable when its x, lower and upper values are all finite (and, on a
    /// logarithmic axis, both bounds positive); any other position splits the band, as a NaN
    /// splits a line. A run of a single position is drawn as a vertical bar from lower to upper,
    /// since a polygon over one x would have no area.
    public struct Band: Sendable {
        /// The legend text; bands with an empty name stay out of the legend, and bands with the
        /// same name share one entry (in the first one's color), so that one level drawn in
        /// several colors, once per backtest fold say, is explained once.
        public var name: String
        public var x: [Double]
        public var lower: [Double]
        public var upper: [Double]
        /// Any SVG color, such as `#1f77b4`.
        public var color: String
        /// The fill's opacity, from 0 (invisible) to 1 (opaque). Overlapping bands add up, so a
        /// narrow band drawn over a wide one of the same color shows darker.
        public var opacity: Double

        public init(name: String, x: [Double], lower: [Double], upper: [Double], color: String, opacity: Double = 0.2) {
            self.name = name
            self.x = x
            self.lower = lower
            self.upper = upper
            self.color = color
            self.opacity = opacity
        }
    }

    /// A dashed vertical line across the plot, such as a forecast origin.
    public struct Marker: Sendable {
        public var x: Double
        /// The legend text; markers with the same label share one entry; empty: no entry.
        public var label: String
        public var color: String

        public init(x: Double, label: String, color: String = "#555555") {
            self.x = x
            self.label = label
            self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Shaded areas beneath the lines, drawn in order (a later band over an earlier one).
    public var bands: [Band]
    public var markers: [Marker]
    /// Labels for integer x positions (`xCategories[i]` labels x = i), such as timestamps.
    /// When set, x ticks fall on integers and show these labels.
    public var xCategories: [String]?
    /// Whether x ticks must be integers (epochs, indices).
    public var integerX: Bool
    public var logScaleY: Bool
    public var width: Int
    public var height: Int

    public init(
        title: String, xLabel: String = "", yLabel: String = "", series: [Series] = [], bands: [Band] = [],
        markers: [Marker] = [], xCategories: [String]? = nil, integerX: Bool = false,
        logScaleY: Bool = false, width: Int = 900, height: Int = 420
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bands = bands
        self.markers = markers
        self.xCategories = xCategories
        self.integerX = integerX
        self.logScaleY = logScaleY
        self.width = width
        self.height = height
    }

    /// The chart as an SVG document (an `<svg>` element with the SVG namespace, no XML
    /// declaration, so it can be saved as a `.svg` file or inlined in HTML).
    public func render() -> String {
        let w = Double(Swift.max(width, 200)), h = Double(Swift.max(height, 150))
        let left = 72.0, right = w - 24
        let top = 62.0
        let bottom = h - (xLabel.isEmpty ? 36 : 54)
        var svg = SVGBuilder()
        svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": fmt(w), "height": fmt(h),
                         "viewBox": "0 0 \(fmt(w)) \(fmt(h))", "role": "img",
                         "font-family": "DejaVu Sans, Helvetica, Arial, sans-serif", "font-size": "12"])
        svg.element("title", [:], text: title)
        svg.element("rect", ["x": "0", "y": "0", "width": fmt(w), "height": fmt(h), "fill": "#ffffff"])
        svg.element("text", ["x": fmt(w / 2), "y": "24", "text-anchor": "middle", "font-size": "16",
                             "font-weight": "bold"], text: title)
        drawLegend(&svg, left: left, right: right, y: 44)

        let segments = series.map { drawableSegments(of: $0) }
        let bandSegments = bands.map { drawableSegments(of: $0) }
        let allPoints = Array(segments.joined().joined())
            + bandSegments.joined().joined().flatMap { [(x: $0.x, y: $0.lower), (x: $0.x, y: $0.upper)] }
        guard !allPoints.isEmpty else {
            svg.element("rect", ["x": fmt(left), "y": fmt(top), "width": fmt(right - left),
                                 "height": fmt(bottom - top), "fill": "none", "stroke": "#999999"])
            svg.element("text", ["x": fmt((left + right) / 2), "y": fmt((top + bottom) / 2),
                                 "text-anchor": "middle", "font-size": "16", "fill": "#666666"], text: "No data")
            svg.close("svg")
            return svg.text
        }

        // Scales.
        var xMin = allPoints.map(\.x).min()!, xMax = allPoints.map(\.x).max()!
        for m in markers where m.x.isFinite { xMin = Swift.min(xMin, m.x); xMax = Swift.max(xMax, m.x) }
        if xMax == xMin { xMin -= 1; xMax += 1 }
        let yValues = allPoints.map(\.y)
        let yTicks = logScaleY
            ? ChartAxis.logTicks(lower: yValues.min()!, upper: yValues.max()!)
            : ChartAxis.linearTicks(lower: yValues.min()!, upper: yValues.max()!, approximateCount: 6)
        let yLo = yTicks.first!, yHi = yTicks.last!
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (right - left) }
        func py(_ y: Double) -> Double {
            let t = logScaleY ? (log10(y) - log10(yLo)) / (log10(yHi) - log10(yLo)) : (y - yLo) / (yHi - yLo)
            return bottom - t * (bottom - top)
        }

        // Grid and y axis.
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        svg.open("g", ["stroke": "#e5e5e5", "stroke-width": "1"])
        for t in yTicks { svg.element("line", ["x1": fmt(left), "x2": fmt(right), "y1": fmt(py(t)), "y2": fmt(py(t))]) }
        svg.close("g")
        svg.open("g", ["text-anchor": "end", "fill": "#333333"])
        for t in yTicks {
            let label = logScaleY ? NumberFormat.display(t, significantDigits: 3) : ChartAxis.label(t, step: yStep)
            svg.element("text", ["x": fmt(left - 6), "y": fmt(py(t) + 4)], text: label)
        }
        svg.close("g")

        // X axis ticks.
        let xTicks = xTickPositions(xMin: xMin, xMax: xMax, plotWidth: right - left)
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        svg.open("g", ["text-anchor": "middle", "fill": "#333333"])
        for t in xTicks where t >= xMin - 1e-9 && t <= xMax + 1e-9 {
            let label: String
            if let categories = xCategories {
                let i = Int(t.rounded())
                label = categories.indices.contains(i) ? categories[i] : ""
            } else {
                label = ChartAxis.label(t, step: xStep)
            }
            svg.element("line", ["x1": fmt(px(t)), "x2": fmt(px(t)), "y1": fmt(bottom), "y2": fmt(bottom + 5), "stroke": "#333333"])
            // Keep labels inside the picture: shift the ones at the edges inwards.
            let halfWidth = Self.textWidth(label) / 2
            let labelX = Swift.min(Swift.max(px(t), halfWidth + 2), w - halfWidth - 2)
            svg.element("text", ["x": fmt(labelX), "y": fmt(bottom + 19)], text: label)
        }
        svg.close("g")
        svg.element("rect", ["x": fmt(left), "y": fmt(top), "width": fmt(right - left),
                             "height": fmt(bottom - top), "fill": "none", "stroke": "#999999"])
        if !xLabel.isEmpty {
            svg.element("text", ["x": fmt((left + right) / 2), "y": fmt(h - 10), "text-anchor": "middle"], text: xLabel)
        }
        if !yLabel.isEmpty {
            svg.element("text", ["x": "0", "y": "0", "text-anchor": "middle",
                                 "transform": "translate(16 \(fmt((top + bottom) / 2))) rotate(-90)"], text: yLabel)
        }

        // Bands, then markers, then lines on top.
        for (b, pieces) in zip(bands, bandSegments) {
            for piece in pieces {
                if piece.count == 1 {
                    let x = px(piece[0].x)
                    svg.element("line", ["x1": fmt(x), "x2": fmt(x), "y1": fmt(py(piece[0].lower)), "y2": fmt(py(piece[0].upper)),
                                         "stroke": b.color, "stroke-opacity": fmt(b.opacity), "stroke-width": "4"])
                    continue
                }
                // Along the upper edge, then back along the lower one; each edge is thinned on its
                // own, which keeps the band's outline where a long band has many points a column.
                let upper = thinned(piece.map { (px($0.x), py($0.upper)) })
                let lower = thinned(piece.map { (px($0.x), py($0.lower)) })
                svg.element("polygon", ["points": (upper + lower.reversed()).map { fmt($0.0) + "," + fmt($0.1) }.joined(separator: " "),
                                        "fill": b.color, "fill-opacity": fmt(b.opacity), "stroke": "none"])
            }
        }
        for m in markers where m.x.isFinite {
            svg.element("line", ["x1": fmt(px(m.x)), "x2": fmt(px(m.x)), "y1": fmt(top), "y2": fmt(bottom),
                                 "stroke": m.color, "stroke-width": "1.2", "stroke-dasharray": "5 4"])
        }
        for (s, pieces) in zip(series, segments) {
            for piece in pieces {
                let points = thinned(piece.map { (px($0.x), py($0.y)) })
                if points.count == 1 {
                    svg.element("circle", ["cx": fmt(points[0].0), "cy": fmt(points[0].1), "r": fmt(s.lineWidth + 1), "fill": s.color])
                    continue
                }
                var attributes = ["points": points.map { fmt($0.0) + "," + fmt($0.1) }.joined(separator: " "),
                                  "fill": "none", "stroke": s.color, "stroke-width": fmt(s.lineWidth),
                                  "stroke-linejoin": "round"]
                if s.dashed { attributes["stroke-dasharray"] = "6 4" }
                svg.element("polyline", attributes)
            }
        }
        svg.close("svg")
        return svg.text
    }

    /// The series' runs of drawable points, split where a point is not drawable.
    private func drawableSegments(of s: Series) -> [[(x: Double, y: Double)]] {
        runs(zip(s.x, s.y).map { x, y in isDrawable(x, y) ? (x: x, y: y) : nil })
    }

    /// The band's runs of drawable positions, split where a position is not drawable.
    private func drawableSegments(of b: Band) -> [[(x: Double, lower: Double, upper: Double)]] {
        let positions = Swift.min(b.x.count, b.lower.count, b.upper.count)
        return runs((0..<positions).map { i in
            isDrawable(b.x[i], b.lower[i]) && isDrawable(b.x[i], b.upper[i]) ? (x: b.x[i], lower: b.lower[i], upper: b.upper[i]) : nil
        })
    }

    private func isDrawable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (!logScaleY || y > 0)
    }

    /// The runs of non-nil elements, in order.
    private func runs<Point>(_ points: [Point?]) -> [[Point]] {
        var pieces: [[Point]] = []
        var current: [Point] = []
        for point in points {
            if let point {
                current.append(point)
            } else if !current.isEmpty {
                pieces.append(current)
                current = []
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private func xTickPositions(xMin: Double, xMax: Double, plotWidth: Double) -> [Double] {
        let longest = xCategories.map { $0.map(\.count).max() ?? 1 } ?? 6
        let labelWidth = Double(Swift.max(longest, 3)) * 7.2 + 20
        let count = Swift.max(2, Swift.min(10, Int(plotWidth / labelWidth)))
        let integers = xCategories != nil || integerX
        return ChartAxis.linearTicks(lower: xMin, upper: xMax, approximateCount: count, integersOnly: integers)
    }

    private func drawLegend(_ svg: inout SVGBuilder, left: Double, right: Double, y: Double) {
        // `fillOpacity` is set for bands, which show a filled swatch instead of a line.
        var entries: [(name: String, color: String, dashed: Bool, fillOpacity: Double?)] = []
        for s in series where !s.name.isEmpty && !entries.contains(where: { $0.name == s.name && $0.color == s.color }) {
            entries.append((s.name, s.color, s.dashed, nil))
        }
        for b in bands where !b.name.isEmpty && !entries.contains(where: { $0.name == b.name }) {
            entries.append((b.name, b.color, false, b.opacity))
        }
        for m in markers where !m.label.isEmpty && !entries.contains(where: { $0.name == m.label }) {
            entries.append((m.label, m.color, true, nil))
        }
        var x = left
        var row = y
        for e in entries {
            let entryWidth = 30 + Self.textWidth(e.name) + 18
            if x + entryWidth > right && x > left { x = left; row += 16 }
            if let opacity = e.fillOpacity {
                svg.element("rect", ["x": fmt(x), "y": fmt(row - 9), "width": "24", "height": "10",
                                     "fill": e.color, "fill-opacity": fmt(opacity)])
            } else {
                var attributes = ["x1": fmt(x), "x2": fmt(x + 24), "y1": fmt(row - 4), "y2": fmt(row - 4),
                                  "stroke": e.color, "stroke-width": "2.5"]
                if e.dashed { attributes["stroke-dasharray"] = "5 3" }
                svg.element("line", attributes)
            }
            svg.element("text", ["x": fmt(x + 30), "y": fmt(row)], text: e.name)
            x += entryWidth
        }
    }

    /// The approximate width of `text` at the chart's 12 px sans-serif font.
    static func textWidth(_ text: String) -> Double { Double(text.count) * 7 }

    /// Thins a run of pixel positions, sorted by x, to at most four points per pixel column.
    private func thinned(_ points: [(Double, Double)]) -> [(Double, Double)] {
        guard points.count > 4 * Swift.max(1, width) else { return points }
        var out: [(Double, Double)] = []
        var i = 0
        while i < points.count {
            let column = points[i].0.rounded(.down)
            var j = i
            var lowest = i, highest = i
            while j < points.count && points[j].0.rounded(.down) == column {
                if points[j].1 < points[lowest].1 { lowest = j }
                if points[j].1 > points[highest].1 { highest = j }
                j += 1
            }
            for k in Set([i, lowest, highest, j - 1]).sorted() { out.append(points[k]) }
            i = j
        }
        return out
    }
}

/// Builds SVG/XML text; attribute values and text are escaped here, so callers pass raw strings.
struct SVGBuilder {
    private(set) var text = ""
    private var depth = 0

    mutating func open(_ name: String, _ attributes: [String: String]) {
        text += indent + "<" + name + render(attributes) + ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</" + name + ">\n"
    }

    mutating func element(_ name: String, _ attributes: [String: String], text content: String? = nil) {
        if let content {
            text += indent + "<" + name + render(attributes) + ">" + Escaping.xml(content) + "</" + name + ">\n"
        } else {
            text += indent + "<" + name + render(attributes) + "/>\n"
        }
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private func render(_ attributes: [String: String]) -> String {
        attributes.keys.sorted { a, b in
            // xmlns first, then alphabetical, so the output is stable.
            a == "xmlns" ? b != "xmlns" : b == "xmlns" ? false : a < b
        }.map { " " + $0 + "=\"" + Escaping.xml(attributes[$0]!) + "\"" }.joined()
    }
}

/// A coordinate with at most two decimals and no trailing zeros.
func fmt(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
    return NumberFormat.fixed(rounded, decimals: 2).trimmingTrailingZeros()
}

extension String {
    func trimmingTrailingZeros() -> String {
        guard contains(".") else { return self }
        var s = Substring(self)
        while s.last == "0" { s = s.dropLast() }
        if s.last == "." { s = s.dropLast() }
        return String(s)
    }
}
