import Foundation
import Testing

/// The built `forecast` binary on bundled datasets: exit codes, files written, their formats,
/// and metrics consistent with the predictions file.
@Suite("forecast command line", .serialized)
struct CLIEndToEndTests {
    static let small = ["--timesteps", "12", "--hidden", "8", "--epochs", "40", "--lr", "0.01", "--patience", "10"]

    @Test("train writes a loadable model, metrics, predictions, charts and a report; predict and inspect read it")
    func trainPredictInspect() throws {
        let out = CLI.temporaryDirectory()
        let train = try CLI.run(["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                                 "--horizon", "3", "--validation", "0.2", "--out", out] + Self.small)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("held-out error"))
        for file in ["model.safetensors", "metrics.json", "metrics.md", "predictions.csv", "forecast.svg", "loss.svg", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file) missing")
        }
        let rows = try csvRows(out + "/predictions.csv")
        #expect(rows.first == ["timestamp", "target", "step", "actual", "predicted", "fold"])
        #expect(rows.dropFirst().allSatisfy { $0.count == 6 && Double($0[4])?.isFinite == true })
        #expect(isWellFormedXML(try String(contentsOfFile: out + "/forecast.svg", encoding: .utf8)))
        #expect(isWellFormedXML(try String(contentsOfFile: out + "/loss.svg", encoding: .utf8)))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.hasSuffix("</html>\n") && !html.contains("<script"))

        let predict = try CLI.run(["predict", out + "/model.safetensors", CLI.dataset("airpassengers_monthly.csv"), "--json"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let points = try #require(try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [[String: Any]])
        #expect(points.map { $0["timestamp"] as? String } == ["1961-01-01", "1961-02-01", "1961-03-01"])
        #expect(points.allSatisfy { ($0["value"] as? Double).map { $0 > 100 && $0 < 1000 } == true })

        let inspect = try CLI.run(["inspect", out + "/model.safetensors"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("1-layer LSTM(1 → 8) + Linear(8 → 3)"))
        #expect(inspect.stdout.contains("parameters:  379"))  // 32·1 + 32·8 + 2·32 + 3·8 + 3

        let evaluate = try CLI.run(["evaluate", out + "/model.safetensors", CLI.dataset("airpassengers_monthly.csv"), "--start", "0.8", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("\"overall\""))
    }

    @Test("backtest folds, predictions and metrics agree with each other")
    func backtest() throws {
        let out = CLI.temporaryDirectory()
        let r = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                             "--horizon", "6", "--folds", "3", "--stride", "6", "--window-stride", "1", "--season", "12", "--out", out, "--quiet"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let rows = Array(try csvRows(out + "/predictions.csv").dropFirst())
        #expect(rows.count == 18)
        #expect(rows.map { $0[5] } == (0..<3).flatMap { f in Array(repeating: "\(f)", count: 6) })
        #expect(rows.map { $0[2] } == (0..<3).flatMap { _ in (1...6).map(String.init) })
        // The last fold ends with the last row of the data (1960-12-01).
        #expect(rows.last?[0] == "1960-12-01")
        #expect(rows.first?[0] == "1959-07-01")
        let errors = rows.map { abs(Double($0[4])! - Double($0[3])!) }
        let mae = errors.reduce(0, +) / Double(errors.count)
        let metrics = try jsonObject(out + "/metrics.json")
        let overall = try #require(metrics["overall"] as? [String: Any])
        let model = try #require(overall["model"] as? [String: Any])
        let reported = try #require(model["mae"] as? Double)
        #expect(abs(reported - mae) < 1e-9 * max(1, mae))
        for key in ["mae", "rmse", "mape", "smape", "mase", "r2", "bias"] {
            #expect((model[key] as? Double)?.isFinite == true, "\(key)")
        }
        #expect(isWellFormedXML(try String(contentsOfFile: out + "/backtest.svg", encoding: .utf8)))
    }

    @Test("describe summarizes every bundled dataset", arguments: [
        ("airpassengers_monthly.csv", "144"), ("sunspots_monthly.csv", "3120"), ("co2_maunaloa_weekly.csv", "2284"),
        ("taylor_electricity_halfhourly.csv", "4032"), ("msft_daily_ohlcv.csv", "3270"), ("eustockmarkets_daily.csv", "1860"),
    ])
    func describe(file: String, rows: String) throws {
        let r = try CLI.run(["describe", CLI.dataset(file), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect("\(summary["rows"] ?? "")" == rows)
    }

    @Test("bad input fails with one line naming the problem, and earlier results stay intact")
    func failures() throws {
        let out = CLI.temporaryDirectory()
        let ok = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                              "--horizon", "6", "--folds", "2", "--out", out, "--quiet"] + Self.small)
        #expect(ok.status == 0, "\(ok.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv"))

        let badColumn = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--target", "nope", "--out", out])
        #expect(badColumn.status != 0)
        #expect(badColumn.stderr.split(separator: "\n").count == 1)
        #expect(badColumn.stderr.contains("nope"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv")) == before)

        let missing = try CLI.run(["train", "/nonexistent/x.csv", "--target", "a"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/x.csv"))

        let dirty = try CLI.run(["train", CLI.dataset("DIRTY_msft_daily_export.csv"), "--target", "Close"])
        #expect(dirty.status != 0)
        #expect(dirty.stderr.contains("DIRTY_msft_daily_export.csv:52:5:"), "\(dirty.stderr)")

        let badModel = CLI.temporaryDirectory() + "/bad.safetensors"
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: badModel))
        let load = try CLI.run(["predict", badModel, CLI.dataset("airpassengers_monthly.csv")])
        #expect(load.status != 0)
        #expect(load.stderr.contains("bad.safetensors"))

        let tooLong = try CLI.run(["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                                   "--timesteps", "200", "--out", CLI.temporaryDirectory()])
        #expect(tooLong.status != 0)
        #expect(tooLong.stderr.contains("not enough data"), "\(tooLong.stderr)")

        let badFlag = try CLI.run(["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands", "--cell", "transformer"])
        #expect(badFlag.status != 0)
        #expect(badFlag.stderr.contains("--cell"))

        // A negative number is a value out of range, not a missing one.
        for (flag, value, words) in [("--horizon", "-3", "horizon must be"), ("--hidden", "-5", "hidden size must be"),
                                     ("--validation", "-0.5", "validation fraction must be")] {
            let negative = try CLI.run(["backtest", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                                        flag, value, "--out", out])
            #expect(negative.status != 0)
            #expect(negative.stderr.split(separator: "\n").count == 1, "\(negative.stderr)")
            #expect(negative.stderr.contains(words) && negative.stderr.contains(value), "\(negative.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/predictions.csv")) == before)
    }

    @Test("a column named <script> reaches the report and charts escaped, never as markup")
    func hostileColumnNameIsEscaped() throws {
        let dir = CLI.temporaryDirectory()
        let name = "<script>alert(1)</script>"
        let rows: [String] = (0..<60).map { (i: Int) -> String in
            let year = 2000 + i / 12, month = i % 12 + 1
            return String(format: "%04d-%02d-01,%d", year, month, 100 + i)
        }
        try (["date,\(name)"] + rows).joined(separator: "\n").write(toFile: dir + "/x.csv", atomically: true, encoding: .utf8)
        let run = try CLI.run(["train", dir + "/x.csv", "--target", name, "--timesteps", "6", "--hidden", "4", "--epochs", "2",
                               "--out", dir + "/out", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        for file in ["report.html", "forecast.svg", "loss.svg"] {
            let text = try String(contentsOfFile: dir + "/out/" + file, encoding: .utf8)
            #expect(!text.contains("<script"), "\(file) holds raw markup from the CSV")
        }
        #expect(try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8).contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test("--out leaves files it did not write alone unless --force; its own files it replaces")
    func outputSafety() throws {
        let out = CLI.temporaryDirectory()
        let mine = out + "/report.html"
        try Data("my own notes".utf8).write(to: URL(fileURLWithPath: mine))
        let args = ["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                    "--horizon", "3", "--out", out] + Self.small
        let refused = try CLI.run(args)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("report.html exists and was not written by forecast; pass --force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "my own notes")
        #expect(!FileManager.default.fileExists(atPath: out + "/model.safetensors"), "nothing is written when refused")

        let forced = try CLI.run(args + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: mine, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        let again = try CLI.run(args)
        #expect(again.status == 0, "a second run replaces what the first wrote: \(again.stderr)")
        let manifest = try String(contentsOfFile: out + "/.forecast-outputs", encoding: .utf8)
        #expect(manifest.split(separator: "\n").contains("model.safetensors"))
    }

    @Test("calendar features become inputs; a missing-value policy fills the dirty export and the report says how many")
    func calendarAndMissing() throws {
        let out = CLI.temporaryDirectory()
        let r = try CLI.run(["train", CLI.dataset("DIRTY_msft_daily_export.csv"), "--target", "Close", "--inputs", "Close,Volume",
                             "--calendar", "dayofweek,month", "--missing", "ffill", "--timesteps", "10", "--hidden", "4",
                             "--epochs", "3", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let inspect = try CLI.run(["inspect", out + "/model.safetensors", "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let config = try #require(summary["config"] as? [String: Any])
        #expect(config["inputs"] as? [String] == ["Close", "Volume", "dayofweek_sin", "dayofweek_cos", "month_sin", "month_cos"])
        #expect(config["calendar"] as? [String] == ["dayofweek", "month"])
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("missing cells handled by ffill"), "the report names the filled cells")
        let predict = try CLI.run(["predict", out + "/model.safetensors", CLI.dataset("DIRTY_msft_daily_export.csv"), "--json"])
        #expect(predict.status == 0, "\(predict.stderr)")
        // predict says what the reader filled, on stderr, so the JSON stays clean.
        #expect(predict.stderr.contains("note: ") && predict.stderr.contains("missing cells handled by ffill"), "\(predict.stderr)")
        #expect(predict.stdout.hasPrefix("["))

        let index = try CLI.run(["train", CLI.dataset("eustockmarkets_daily.csv"), "--target", "DAX", "--calendar", "month",
                                 "--out", CLI.temporaryDirectory()])
        #expect(index.status != 0)
        #expect(index.stderr.contains("calendar features need dates"), "\(index.stderr)")
    }

    @Test("an --out that cannot be a folder stops train, backtest and evaluate with one plain line before any training")
    func unusableOutputFolder() throws {
        let scratch = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let file = scratch + "/taken"
        try "mine\n".write(toFile: file, atomically: true, encoding: .utf8)
        let data = CLI.dataset("airpassengers_monthly.csv")
        let cases: [([String], String)] = [
            (["train", data, "--target", "passengers_thousands", "--out", file], "\(file) exists and is not a folder; choose another --out"),
            (["backtest", data, "--target", "passengers_thousands", "--out", file + "/run"],
             "cannot create the folder \(file)/run: \(file) is a file, not a folder"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args + ["--epochs", "400"], seconds: 60)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr == "error: \(message)\n", "\(args)")
            // Stopped before training: no epoch was reported, and the file is untouched.
            #expect(!r.stderr.contains("epoch"))
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "mine\n")
        let model = scratch + "/model"
        let train = try CLI.run(["train", data, "--target", "passengers_thousands", "--members", "ets", "--horizon", "3", "--out", model, "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let evaluate = try CLI.run(["evaluate", model + "/model.safetensors", data, "--out", file])
        #expect(evaluate.status == 1 && evaluate.stderr == "error: \(file) exists and is not a folder; choose another --out\n", "\(evaluate.stderr)")
    }
}
