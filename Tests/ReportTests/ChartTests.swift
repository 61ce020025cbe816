import Foundation
import Report
import Testing

@Suite struct ChartTests {
    static let hostile = "<script>alert('x')</script> & \"quotes\""

    @Test func actualVsPredictedIsWellFormedWithOriginMarked() {
        let timestamps = (1...30).map { "2024-01-\($0 < 10 ? "0" : "")\($0)" }
        let actual = (0..<30).map { $0 < 24 ? Double($0 * $0) : .nan }
        let predicted = (0..<30).map { $0 > 20 ? Double($0 * $0) + 5 : .nan }
        let svg = SVGChart.actualVsPredicted(title: "Close", timestamps: timestamps, actual: actual,
                                             predicted: predicted, origin: 20, yLabel: "USD").render()
        let xml = parseXML(svg)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.elements.first == "svg")
        #expect(xml.attributes.first?["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(xml.count(of: "polyline") == 2)
        // One dashed vertical marker across the plot for the origin (legend swatches are dashed too).
        let markerLines = xml.attributes.filter { $0["stroke-dasharray"] == "5 4" }
        #expect(markerLines.count == 1)
        #expect(markerLines.first?["x1"] == markerLines.first?["x2"])
        #expect(xml.text.contains("Forecast origin"))
        #expect(xml.text.contains("2024-01-01"))
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("http://") || !svg.contains("href"))
    }

    @Test func outsideTextIsEscaped() {
        let chart = SVGChart.actualVsPredicted(
            title: Self.hostile, timestamps: [Self.hostile, "b", "c\u{1}"], actual: [1, 2, 3], predicted: [.nan, 2, 4],
            origin: 1, yLabel: Self.hostile)
        let svg = chart.render()
        let xml = parseXML(svg)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;"))
        // The parser gives the original text back.
        #expect(xml.text.contains("<script>alert('x')</script> & \"quotes\""))
        #expect(xml.count(of: "script") == 0)
    }

    @Test func emptyAndAllNaNInputSayNoData() {
        for chart in [
            SVGChart.actualVsPredicted(title: "t", timestamps: [], actual: [], predicted: [], origin: nil),
            SVGChart.actualVsPredicted(title: "t", timestamps: ["a", "b"], actual: [.nan, .nan], predicted: [.nan, .infinity], origin: 1),
            SVGChart.lossCurves(title: "loss", training: []),
            SVGChart.lossCurves(title: "loss", training: [0, -1], logScale: true),
        ] {
            let svg = chart.render()
            let xml = parseXML(svg)
            #expect(xml.wellFormed, "\(xml.error)")
            #expect(xml.text.contains("No data"))
            #expect(xml.count(of: "polyline") == 0)
        }
    }

    @Test func nanSplitsALineIntoPieces() {
        let chart = SVGChart(title: "gaps", series: [
            .init(name: "y", x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, .nan, 3, 4, .nan, 5], color: "#000"),
        ])
        let xml = parseXML(chart.render())
        #expect(xml.wellFormed)
        // [1, 2] and [3, 4] are lines; the lone 5 is a dot.
        #expect(xml.count(of: "polyline") == 2)
        #expect(xml.count(of: "circle") == 1)
    }

    @Test func backtestFoldsAlternateColorsAndMarkOrigins() {
        let timestamps = (0..<40).map { "t\($0)" }
        let actual = (0..<40).map { Double($0 % 7) }
        var records: [ForecastRecord] = []
        for fold in 0..<3 {
            let origin = 20 + fold * 5
            for step in 1...4 {
                records.append(ForecastRecord(timestamp: "t\(origin + step)", target: "y", step: step,
                                              actual: actual[origin + step], predicted: 1, fold: fold))
            }
        }
        records.append(ForecastRecord(timestamp: "t1", target: "other", step: 1, actual: 0, predicted: 0, fold: 9))
        let folds = BacktestFold.folds(from: records, target: "y", timestamps: timestamps)
        #expect(folds.map(\.origin) == [20, 25, 30])
        #expect(folds.map(\.fold) == [0, 1, 2])
        #expect(folds[0].predicted == [1, 1, 1, 1])
        let svg = SVGChart.backtest(title: "Backtest", timestamps: timestamps, actual: actual, folds: folds).render()
        let xml = parseXML(svg)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "polyline") == 4)
        let lineColors = xml.attributes.compactMap { $0["points"] != nil ? $0["stroke"] : nil }
        #expect(lineColors.count == 4)
        #expect(lineColors[1] != lineColors[2] && lineColors[1] == lineColors[3])
        let origins = xml.attributes.filter { $0["stroke-dasharray"] == "5 4" }
        #expect(origins.count == 3)

        // With 5 observations of history before the first origin (20), the actual line starts
        // at index 15: 25 of its 40 points remain.
        let cropped = parseXML(SVGChart.backtest(title: "B", timestamps: timestamps, actual: actual, folds: folds, history: 5).render())
        let actualPoints = cropped.attributes.compactMap { $0["points"] }.first?.split(separator: " ")
        #expect(actualPoints?.count == 25)
        #expect(actualPoints?.first?.hasPrefix("72,") == true)  // the plot's left edge
    }

    /// The `(x, y)` pairs of a `points` attribute.
    static func points(_ attribute: String?) -> [(x: Double, y: Double)] {
        (attribute ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    @Test func aBandIsAPolygonBeneathTheLinesInsideThePlot() {
        // The band reaches well beyond the line (-50 to 60 around values 0 to 10), so it sets the y
        // range; the plot runs from x 72 to 876 and y 62 to 384 at the default size.
        let x: [Double] = [0, 1, 2, 3, 4]
        let chart = SVGChart(title: "band", series: [.init(name: "y", x: x, y: [0, 5, 10, 5, 0], color: "#000")],
                             bands: [.init(name: "80 % interval", x: x, lower: [-50, -10, 0, -10, -20], upper: [10, 20, 60, 20, 10],
                                           color: "#1f77b4", opacity: 0.2)])
        let xml = parseXML(chart.render())
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "polygon") == 1)
        let polygonIndex = xml.elements.firstIndex(of: "polygon")!
        #expect(polygonIndex < xml.elements.firstIndex(of: "polyline")!)
        let polygon = xml.attributes[polygonIndex]
        #expect(polygon["fill"] == "#1f77b4" && polygon["fill-opacity"] == "0.2" && polygon["stroke"] == "none")
        // Along the upper edge and back along the lower one: two points per position.
        let points = Self.points(polygon["points"])
        #expect(points.count == 10)
        #expect(points.allSatisfy { $0.x >= 72 && $0.x <= 876 && $0.y >= 62 && $0.y <= 384 })
        #expect(points.first!.x == 72 && points.last!.x == 72 && points[4].x == 876 && points[5].x == 876)
        // The upper edge is above the lower one (smaller pixel y) at every position.
        for i in 0..<5 { #expect(points[i].y < points[9 - i].y) }
        // The y ticks reach down to the band's -50, which the line alone would not.
        #expect(xml.text.contains("-50") || xml.text.contains("-60"))
        // A filled swatch in the legend, beside the line's.
        #expect(xml.text.contains("80 % interval"))
        #expect(xml.attributes.contains { $0["fill-opacity"] == "0.2" && $0["width"] == "24" })
    }

    @Test func nanSplitsABandIntoPieces() {
        // Positions 3 (no lower), 5 and 7 (no upper) are not drawable: runs 0-2, 4, 6 and 8-9.
        let x = (0..<10).map(Double.init)
        let band = SVGChart.Band(name: "", x: x, lower: [1, 1, 1, .nan, 1, 1, 1, 1, 1, 1],
                                 upper: [2, 2, 2, 2, 2, .nan, 2, .infinity, 2, 2], color: "#000")
        let xml = parseXML(SVGChart(title: "gaps", bands: [band]).render())
        #expect(xml.wellFormed, "\(xml.error)")
        let polygons = xml.attributes.filter { $0["fill-opacity"] != nil && $0["points"] != nil }
        #expect(polygons.map { Self.points($0["points"]).count } == [6, 4])
        // The lone positions 4 and 6 are vertical bars from 1 to 2.
        let bars = xml.attributes.filter { $0["stroke-opacity"] != nil }
        #expect(bars.count == 2)
        #expect(bars.allSatisfy { $0["x1"] == $0["x2"] && $0["y1"] != $0["y2"] })
        // An unnamed band has no legend entry.
        #expect(!xml.attributes.contains { $0["width"] == "24" })
    }

    @Test func forecastChartsShadeTheWidestAndTheNarrowestLevel() {
        let timestamps = (0..<6).map { "t\($0)" }
        let predicted: [Double] = [.nan, .nan, .nan, 10, 11, 12]
        let bands = [0.5, 0.8, 0.95].map { level in
            IntervalBand(level: level, lower: predicted.map { $0 - 10 * level }, upper: predicted.map { $0 + 10 * level })
        }
        let chart = SVGChart.actualVsPredicted(title: "t", timestamps: timestamps, actual: [8, 9, 10, 11, .nan, .nan],
                                               predicted: predicted, bands: bands, origin: 2)
        #expect(chart.bands.map(\.name) == ["95 % interval", "50 % interval"])
        // The wide band lighter, the narrow one darker over it.
        #expect(chart.bands[0].opacity < chart.bands[1].opacity)
        let xml = parseXML(chart.render())
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "polygon") == 2)
        #expect(!xml.text.contains("80 % interval"))
        // One level alone; and bands without any finite interval draw nothing.
        #expect(SVGChart.actualVsPredicted(title: "t", timestamps: timestamps, actual: [], predicted: predicted,
                                           bands: [bands[1]], origin: 2).bands.map(\.name) == ["80 % interval"])
        let empty = IntervalBand(level: 0.8, lower: [.nan, .nan], upper: [.nan, .nan])
        #expect(SVGChart.actualVsPredicted(title: "t", timestamps: timestamps, actual: [1, 2], predicted: [.nan, 2],
                                           bands: [empty], origin: 0).render()
                == SVGChart.actualVsPredicted(title: "t", timestamps: timestamps, actual: [1, 2], predicted: [.nan, 2],
                                              origin: 0).render())
    }

    @Test func backtestFoldsCarryTheirRecordsBounds() {
        let timestamps = (0..<20).map { "t\($0)" }
        let actual = (0..<20).map { Double($0) }
        var records: [ForecastRecord] = []
        for fold in 0..<2 {
            let origin = 10 + fold * 4
            for step in 1...3 where !(fold == 1 && step == 2) {
                let p = Double(origin + step)
                records.append(ForecastRecord(
                    timestamp: "t\(origin + step)", target: "y", step: step, actual: p, predicted: p, fold: fold,
                    bounds: [IntervalBound(level: 0.8, lower: p - 1, upper: p + 1), IntervalBound(level: 0.95, lower: p - 2, upper: p + 2)]))
            }
        }
        let folds = BacktestFold.folds(from: records, target: "y", timestamps: timestamps)
        #expect(folds[0].bands.map(\.level) == [0.8, 0.95])
        #expect(folds[0].bands[0].lower == [10, 11, 12] && folds[0].bands[1].upper == [13, 14, 15])
        // Fold 1 has no step-2 record: its forecast and bands have a gap there.
        #expect(folds[1].predicted[1].isNaN && folds[1].bands[0].lower[1].isNaN && folds[1].bands[0].lower[2] == 16)
        let chart = SVGChart.backtest(title: "B", timestamps: timestamps, actual: actual, folds: folds)
        #expect(chart.bands.map(\.color) == ["#1f77b4", "#1f77b4", "#ff7f0e", "#ff7f0e"])
        let xml = parseXML(chart.render())
        #expect(xml.wellFormed, "\(xml.error)")
        // Fold 0: a polygon per level; fold 1's two single steps are bars, two per level.
        #expect(xml.count(of: "polygon") == 2)
        #expect(xml.attributes.filter { $0["stroke-opacity"] != nil }.count == 4)
        // Each level has one legend entry, though two folds draw it.
        #expect(xml.text.components(separatedBy: "95 % interval").count == 2)
        #expect(xml.text.components(separatedBy: "80 % interval").count == 2)
    }

    @Test func lossCurvesOnALogScale() {
        let training = (1...50).map { 10 / Double($0) }
        let validation = (1...50).map { 12 / Double($0) + 0.01 }
        let svg = SVGChart.lossCurves(title: "Loss", training: training, validation: validation, logScale: true).render()
        let xml = parseXML(svg)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "polyline") == 2)
        #expect(xml.text.contains("Training") && xml.text.contains("Validation") && xml.text.contains("Epoch"))
        // Log ticks between 0.2 and 12.01 include 1 and 10.
        #expect(xml.text.contains("10") && xml.text.contains("1"))
    }

    @Test func longSeriesAreThinnedButKeepTheirExtremes() {
        let n = 100_000
        let y = (0..<n).map { $0 == 54_321 ? 1000.0 : Double($0 % 10) }
        let chart = SVGChart(title: "long", series: [.init(name: "y", x: (0..<n).map(Double.init), y: y, color: "#000")], width: 600)
        let svg = chart.render()
        #expect(svg.utf8.count < 200_000)
        let xml = parseXML(svg)
        #expect(xml.wellFormed)
        let points = xml.attributes.compactMap { $0["points"] }.first ?? ""
        let ys = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
        // The spike is the minimum pixel y (the top of the plot).
        #expect(ys.min() == 62)
    }

    @Test func niceTicks() {
        #expect(ChartAxis.linearTicks(lower: 0, upper: 9.3, approximateCount: 5) == [0, 2, 4, 6, 8, 10])
        #expect(ChartAxis.linearTicks(lower: 0.1, upper: 0.52, approximateCount: 5) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        #expect(ChartAxis.linearTicks(lower: 1, upper: 3, approximateCount: 10, integersOnly: true) == [1, 2, 3])
        #expect(ChartAxis.linearTicks(lower: 5, upper: 5, approximateCount: 4) == [4.5, 5, 5.5])
        #expect(ChartAxis.logTicks(lower: 1, upper: 1000) == [1, 10, 100, 1000])
        #expect(ChartAxis.logTicks(lower: 0.3, upper: 4) == [0.2, 0.5, 1, 2, 5])
        #expect(ChartAxis.label(0.30000000000000004, step: 0.1) == "0.3")
        #expect(ChartAxis.label(2500, step: 500) == "2500")
    }

    @Test func timestampLabels() {
        #expect(TimestampFormat.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(TimestampFormat.iso8601(1_709_296_200.5) == "2024-03-01T12:30:00.5Z")
        #expect(TimestampFormat.labels([0, 86_400]) == ["1970-01-01", "1970-01-02"])
        #expect(TimestampFormat.labels([0, 1_800]) == ["1970-01-01T00:00:00Z", "1970-01-01T00:30:00Z"])
        #expect(TimestampFormat.iso8601(.nan) == "")
    }
}
