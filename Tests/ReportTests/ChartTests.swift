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
