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

    @Test func intervalTableAppearsOnlyWithIntervals() {
        let report = EvaluationReport(records: EvaluationTests.intervalRecords, training: EvaluationTests.intervalTraining)
        let html = HTMLReport(title: "Intervals", evaluation: report).render()
        let xml = parseXML(html)
        #expect(xml.wellFormed, "\(xml.error)")
        #expect(html.contains("<caption>Prediction intervals</caption>"))
        #expect(html.contains("<tr><th scope=\"row\">80</th><td>50</td><td>2.75</td><td>7.75</td><td>3.875</td><td>0.3875</td><td>4</td></tr>"))
        // Four points are too few to judge coverage.
        #expect(!html.contains("class=\"warning\""))
        let without = Self.report(hostile: "x").render()
        #expect(!without.contains("Prediction interval") && !without.contains("class=\"warning\""))
    }

    /// `count` records at `level` with actual 10, the first `covered` of them inside their interval.
    static func intervalReport(count: Int, covered: Int, level: Double) -> EvaluationReport {
        let records = (0..<count).map { i in
            ForecastRecord(timestamp: "t\(i)", target: "y", step: 1, actual: 10, predicted: 10,
                           bounds: [i < covered ? IntervalBound(level: level, lower: 9, upper: 11)
                                                : IntervalBound(level: level, lower: 11, upper: 12)])
        }
        return EvaluationReport(records: records, training: [:])
    }

    @Test func coverageWarningWhenFarFromNominal() {
        func warning(_ count: Int, _ covered: Int, _ level: Double) -> String? {
            let report = Self.intervalReport(count: count, covered: covered, level: level)
            #expect(report.overall.intervals.first?.coverageIsFarFromNominal == (HTMLReport.intervalWarning(report) != nil))
            let html = HTMLReport(title: "W", evaluation: report).render()
            #expect(html.contains("class=\"warning\"") == (HTMLReport.intervalWarning(report) != nil))
            return HTMLReport.intervalWarning(report)
        }
        // 10 of 20 at 80 %: 30 points below.
        #expect(warning(20, 10, 0.8)
                == "Warning: prediction interval coverage is more than 10 points off nominal: the 80 % intervals held 50 % of 20 actuals (too narrow).")
        // 13 of 20 (65 %) is more than 10 points below; 14 of 20 (70 %) is exactly 10: tolerated.
        #expect(warning(20, 13, 0.8) != nil)
        #expect(warning(20, 14, 0.8) == nil)
        #expect(warning(20, 16, 0.8) == nil)
        // All 20 inside 50 % intervals: 50 points above, too wide.
        #expect(warning(20, 20, 0.5)?.contains("the 50 % intervals held 100 % of 20 actuals (too wide)") == true)
        // 19 points are too few to judge, however far off.
        #expect(warning(19, 0, 0.8) == nil)
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
