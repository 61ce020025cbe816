import Foundation
import Testing

/// Prediction intervals through the command line: the columns of predictions.csv, the metrics
/// that score them, and what predict prints and writes.
@Suite("forecast intervals on the command line", .serialized)
struct IntervalCLITests {
    static let air = ["--target", "passengers_thousands", "--timesteps", "12", "--hidden", "8", "--epochs", "20", "--lr", "0.01"]

    @Test("backtest writes lo-80, hi-80, lo-95, hi-95 around each forecast, and metrics.json scores them")
    func backtestColumns() throws {
        let out = CLI.temporaryDirectory()
        let r = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--horizon", "6", "--folds", "3", "--out", out, "--quiet"] + Self.air)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try csvRows(out + "/predictions.csv")
        #expect(rows.first == ["timestamp", "target", "step", "actual", "predicted", "fold", "lo-80", "hi-80", "lo-95", "hi-95"])
        let body = rows.dropFirst().map { $0.map { Double($0) ?? .nan } }
        #expect(body.count == 18)
        for v in body {
            // lo-95 ≤ lo-80 < predicted < hi-80 ≤ hi-95
            #expect(v[8] <= v[6] && v[6] < v[4] && v[4] < v[7] && v[7] <= v[9], "\(v)")
        }
        let covered80 = body.filter { $0[6] <= $0[3] && $0[3] <= $0[7] }.count
        let metrics = try jsonObject(out + "/metrics.json")
        let overall = try #require(metrics["overall"] as? [String: Any])
        let intervals = try #require(overall["intervals"] as? [[String: Any]])
        #expect(intervals.map { $0["level"] as? Double } == [0.8, 0.95])
        #expect(abs((intervals[0]["coverage"] as? Double ?? -1) - Double(covered80) / 18) < 1e-12)
        let width = body.map { $0[7] - $0[6] }.reduce(0, +) / 18
        #expect(abs((intervals[0]["meanWidth"] as? Double ?? 0) - width) < 1e-9 * width)
        for key in ["intervalScore", "msis", "pinball"] { #expect((intervals[1][key] as? Double)?.isFinite == true, "\(key)") }

        let other = CLI.temporaryDirectory()
        let ninety = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--horizon", "6", "--folds", "1", "--levels", "90",
                                  "--out", other, "--quiet"] + Self.air)
        #expect(ninety.status == 0, "\(ninety.stderr)")
        #expect(try csvRows(other + "/predictions.csv").first?.suffix(2) == ["lo-90", "hi-90"])
        let none = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--horizon", "6", "--folds", "1", "--levels", "none",
                                "--out", other, "--quiet"] + Self.air)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(try csvRows(other + "/predictions.csv").first == ["timestamp", "target", "step", "actual", "predicted", "fold"])
    }

    @Test("predict prints, writes as JSON and as CSV the intervals the model file calibrated; a bad level is a usage error")
    func predictOutputs() throws {
        let out = CLI.temporaryDirectory()
        let train = try CLI.run(["train", CLI.dataset("airpassengers_monthly.csv"), "--horizon", "3", "--out", out, "--quiet"] + Self.air)
        #expect(train.status == 0, "\(train.stderr)")
        let model = out + "/model.safetensors", data = CLI.dataset("airpassengers_monthly.csv")

        let text = try CLI.run(["predict", model, data])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "forecast after 1960-12-01 (3 steps):")
        #expect(lines[1].split(separator: " ") == ["time", "target", "forecast", "lo-80", "hi-80", "lo-95", "hi-95"])
        #expect(lines.count == 5)

        let json = try CLI.run(["predict", model, data, "--json", "--levels", "50,90"])
        #expect(json.status == 0, "\(json.stderr)")
        let points = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(points.count == 3)
        for p in points {
            #expect(Set(p.keys) == ["timestamp", "target", "step", "value", "lo-50", "hi-50", "lo-90", "hi-90"])
            let v = try #require(p["value"] as? Double), lo = try #require(p["lo-90"] as? Double), hi = try #require(p["hi-90"] as? Double)
            #expect(lo < v && v < hi)
        }

        let csv = out + "/next.csv"
        let written = try CLI.run(["predict", model, data, "--csv", csv, "--quiet"])
        #expect(written.status == 0, "\(written.stderr)")
        let rows = try csvRows(csv)
        #expect(rows.first == ["timestamp", "target", "step", "predicted", "lo-80", "hi-80", "lo-95", "hi-95"])
        #expect(rows.count == 4 && rows.dropFirst().allSatisfy { $0.count == 8 && $0.allSatisfy { !$0.isEmpty } })

        let bad = try CLI.run(["predict", model, data, "--levels", "80,100"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--levels: levels are percentages strictly between 0 and 100, like 80,95; found \"100\""))
    }
}
