import Foundation
import Report
import Testing

@Suite struct PredictionsWriterTests {
    static let awkward: [Double] = [0.1 + 0.2, 1e-300, .pi, -123456.789e10, .leastNonzeroMagnitude, 1.0 / 3, 100, -0.0]

    @Test func headerIsExact() throws {
        let text = PredictionsWriter.csv([])
        #expect(text == "timestamp,target,step,actual,predicted,fold\n")
    }

    @Test func numbersRoundTripAndTextIsQuoted() throws {
        let records = Self.awkward.enumerated().map { i, v in
            ForecastRecord(timestamp: "2024-01-0\(i + 1)", target: i == 0 ? "price, \"adj\"\nclose" : "y",
                           step: i + 1, actual: v, predicted: -v * 7, fold: i % 3)
        }
        let rows = parseCSV(PredictionsWriter.csv(records))
        #expect(rows.first == ["timestamp", "target", "step", "actual", "predicted", "fold"])
        #expect(rows.count == records.count + 1)
        for (record, row) in zip(records, rows.dropFirst()) {
            #expect(row.count == 6)
            #expect(row[0] == record.timestamp)
            #expect(row[1] == record.target)
            #expect(Int(row[2]) == record.step)
            #expect(Double(row[3]) == record.actual)
            #expect(Double(row[4]) == record.predicted)
            #expect(Int(row[5]) == record.fold)
        }
        #expect(PredictionsWriter.line(for: records[0]).hasPrefix("2024-01-01,\"price, \"\"adj\"\"\nclose\",1,"))
    }

    @Test func missingValuesAreWrittenAsNaN() {
        let line = PredictionsWriter.line(for: ForecastRecord(
            timestamp: "t", target: "y", step: 1, actual: .nan, predicted: .infinity, fold: 0))
        #expect(line == "t,y,1,NaN,inf,0")
    }

    @Test func writeProducesTheSameBytesAsCSV() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let records = (0..<5000).map {
            ForecastRecord(timestamp: "t\($0)", target: "y", step: $0 % 12 + 1, actual: Double($0) / 7, predicted: Double($0) / 9, fold: $0 / 12)
        }
        try PredictionsWriter.write(records, to: dir + "/predictions.csv")
        let written = try String(contentsOfFile: dir + "/predictions.csv", encoding: .utf8)
        #expect(written == PredictionsWriter.csv(records))
        #expect(directoryListing(dir) == ["predictions.csv"])
    }
}

@Suite struct MetricsWriterTests {
    static var report: EvaluationReport {
        EvaluationReport(records: EvaluationTests.records + [
            ForecastRecord(timestamp: "t5", target: "b|<script>alert(1)</script>", step: 1, actual: 0, predicted: 0, fold: 0),
        ], training: EvaluationTests.training)
    }

    @Test func jsonHasStableKeysAndNullsForUndefinedMetrics() throws {
        let text = try MetricsWriter.json(Self.report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["overall", "perTarget", "perStep", "perFold", "seasons"])
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(Set(overall.keys) == ["model", "naive", "seasonalNaive", "classical", "skill", "intervals"])
        // The records have no bounds: the interval list is there, and empty.
        #expect((overall["intervals"] as? [Any])?.isEmpty == true)
        let model = try #require(overall["model"] as? [String: Any])
        #expect(Set(model.keys) == ["mae", "rmse", "mape", "smape", "mase", "r2", "bias", "count"])
        #expect((model["mae"] as? NSNumber)?.doubleValue == Self.report.overall.model.mae)
        // Target b: one pair of zeros: MAPE undefined, and no training series, so no MASE; both
        // still appear, as null.
        let perTarget = try #require(object["perTarget"] as? [String: Any])
        let b = try #require((perTarget["b|<script>alert(1)</script>"] as? [String: Any])?["model"] as? [String: Any])
        #expect(b["mape"] is NSNull)
        #expect(b["mase"] is NSNull)
        let step = try #require((object["perStep"] as? [[String: Any]])?.first)
        #expect(Set(step.keys) == ["step", "metrics"])
        // Sorted keys: the same report always gives the same text.
        #expect(try MetricsWriter.json(Self.report) == text)
        #expect(text.range(of: "\"bias\"")!.lowerBound < text.range(of: "\"count\"")!.lowerBound)
    }

    @Test func jsonRoundTrips() throws {
        let text = try MetricsWriter.json(Self.report)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(text.utf8))
        #expect(decoded == Self.report)
    }

    @Test func markdownTables() throws {
        let md = MetricsWriter.markdown(Self.report, title: "Backtest")
        #expect(md.hasPrefix("# Backtest\n"))
        #expect(md.contains("| Metric | Model | Naive | Seasonal naive |"))
        // Model MAE (0.5 + 0.5 + 1 + 0 + 0) / 5 = 0.4; the baselines as in EvaluationTests.
        #expect(md.contains("| MAE | 0.4 | 1.5 | 1.5 |"))
        #expect(md.contains("| Points | 5 | 4 | 2 |"))
        #expect(md.contains("### Per horizon step"))
        #expect(md.contains("### Per target"))
        #expect(md.contains("### Per fold"))
        // Fold, From and To hold text (timestamps): left aligned; the metrics right aligned.
        #expect(md.contains("| Fold | From | To | MAE |"))
        #expect(md.contains("|:---|:---|:---|---:|---:|---:|---:|---:|"))
        #expect(!md.contains("<script>"))
        #expect(md.contains("b\\|&lt;script&gt;"))
        // Every table row has as many cells as its header.
        for table in MetricsTable.tables(for: Self.report) {
            #expect(table.rows.allSatisfy { $0.count == table.header.count })
        }
    }

    @Test func intervalTablesShowTheHandComputedNumbers() throws {
        // The numbers of EvaluationTests.intervalMetricsByHand, coverage in percent.
        let report = EvaluationReport(records: EvaluationTests.intervalRecords, training: EvaluationTests.intervalTraining)
        let md = MetricsWriter.markdown(report)
        #expect(md.contains("### Prediction intervals\n"))
        #expect(md.contains("| Nominal coverage (%) | Coverage (%) | Mean width | Interval score | MSIS | Pinball loss | Points |"))
        #expect(md.contains("| 80 | 50 | 2.75 | 7.75 | 3.875 | 0.3875 | 4 |"))
        // Per step: step 1 covered both, step 2 neither, step 3 had no actual.
        #expect(md.contains("### Prediction interval coverage (%) per horizon step\n"))
        #expect(md.contains("| Step | 80 % interval |\n|:---|---:|\n| 1 | 100 |\n| 2 | 0 |\n| 3 | n/a |\n"))
        // Right after the overall table.
        let titles = MetricsTable.tables(for: report).map(\.title)
        #expect(Array(titles.prefix(3)) == ["Overall", "Prediction intervals", "Prediction interval coverage (%) per horizon step"])
        // Without bounds, no interval table.
        #expect(!MetricsWriter.markdown(Self.report).contains("interval"))
        #expect(MetricsTable.intervalTables(for: Self.report).isEmpty)
    }

    @Test func writersReplaceFilesAtomically() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try MetricsWriter.writeJSON(Self.report, to: dir + "/metrics.json")
        try MetricsWriter.writeMarkdown(Self.report, to: dir + "/metrics.md")
        #expect(directoryListing(dir) == ["metrics.json", "metrics.md"])
        #expect(try String(contentsOfFile: dir + "/metrics.json", encoding: .utf8) == MetricsWriter.json(Self.report))
    }
}
