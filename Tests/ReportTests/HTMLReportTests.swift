import Foundation
import Report
import Testing

@Suite struct HTMLReportTests {
    static func report(hostile: String) -> HTMLReport {
        let chart = SVGChart.actualVsPredicted(title: hostile, timestamps: ["a", "b", "c"], actual: [1, 2, 3],
                                               predicted: [.nan, 2.5, 3.5], origin: 0)
        return HTMLReport(
            title: "Backtest of " + hostile, subtitle: "data: " + hostile,
            configuration: [("target", hostile), ("horizon", "12"), ("cell", "lstm")],
            notes: ["3 missing values filled (ffill) in " + hostile],
            evaluation: MetricsWriterTests.report,
            figures: [.init(caption: "Forecast of " + hostile, chart: chart),
                      .init(caption: "Loss", svg: "<?xml version=\"1.0\"?>\n" + SVGChart.lossCurves(title: "Loss", training: [3, 2, 1]).render())])
    }

    @Test func wellFormedSelfContainedAndEscaped() {
        let hostile = "<script>alert(1)</script>&nbsp;"
        let html = Self.report(hostile: hostile).render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let xml = parseXML(html)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "script") == 0)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<?xml"))
        #expect(xml.count(of: "svg") == 2)
        #expect(xml.count(of: "style") == 1)
        // No external assets: nothing is fetched.
        #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("url("))
        #expect(xml.text.contains(hostile))
        // The tables: 4 metric tables (overall, step, target, fold) and the configuration.
        #expect(xml.count(of: "table") == 5)
        #expect(xml.text.contains("Seasonal naive"))
        #expect(xml.text.contains("3 missing values filled"))
        #expect(xml.text.contains("horizon") && xml.text.contains("12"))
    }

    @Test func aBareReportIsWellFormed() {
        let html = HTMLReport(title: "Empty").render()
        let xml = parseXML(html)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(xml.count(of: "table") == 0)
        #expect(xml.count(of: "svg") == 0)
    }

    @Test func writeIsAtomic() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let report = Self.report(hostile: "x")
        try report.write(to: dir + "/report.html")
        #expect(try String(contentsOfFile: dir + "/report.html", encoding: .utf8) == report.render())
        #expect(directoryListing(dir) == ["report.html"])
    }
}
