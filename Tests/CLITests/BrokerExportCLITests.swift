import Foundation
import Testing

/// A broker export as brokers write it (`Date,Open,High,Low,Close,Adj Close,Volume`, US dates,
/// newest first, `$` prices, quoted volumes with thousands separators) through every command
/// with no reading flags: the dates, order and numbers are worked out from the file.
@Suite("broker exports on the command line", .serialized)
struct BrokerExportCLITests {
    static let file = CLI.root.appendingPathComponent("Tests/BrokerExports/msft_us_newest_first.csv").path

    @Test("describe, train, backtest and predict read a broker export with only --target and --horizon")
    func brokerExportRunsThrough() throws {
        let describe = try CLI.run(["describe", Self.file, "--json"])
        #expect(describe.status == 0, "\(describe.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as? [String: Any])
        #expect("\(summary["rows"] ?? "")" == "300")
        #expect(summary["start"] as? String == "2011-12-19" && summary["end"] as? String == "2013-03-01")
        let warnings = summary["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.hasSuffix("read as %m/%d/%Y (month first), the only reading of \"02/28/2013\" on line 3") })
        #expect(warnings.contains { $0.hasSuffix("reversed to oldest first") })
        #expect(warnings.contains { $0.contains("with a currency symbol") })

        let out = CLI.temporaryDirectory()
        let train = try CLI.run(["train", Self.file, "--target", "Close", "--horizon", "5", "--out", out + "/train", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
        let report = try String(contentsOfFile: out + "/train/report.html", encoding: .utf8)
        #expect(report.contains("reversed to oldest first"))
        let held = Array(try csvRows(out + "/train/predictions.csv").dropFirst())
        #expect(!held.isEmpty && held.allSatisfy { $0[0].hasPrefix("201") && $0[0].count == 10 })

        let backtest = try CLI.run(["backtest", Self.file, "--target", "Close", "--horizon", "5", "--out", out + "/backtest", "--quiet"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        let folds = Array(try csvRows(out + "/backtest/predictions.csv").dropFirst())
        #expect(folds.count == 25)
        #expect(folds.last?[0] == "2013-03-01")
        #expect(folds.allSatisfy { Double($0[3]).map { $0 > 25 && $0 < 33 } == true })

        let predict = try CLI.run(["predict", out + "/train/model.safetensors", Self.file, "--json"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let points = try #require(try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [[String: Any]])
        #expect(points.map { $0["timestamp"] as? String } == ["2013-03-04", "2013-03-05", "2013-03-06", "2013-03-07", "2013-03-08"])
        #expect(points.allSatisfy { ($0["value"] as? Double).map { $0 > 25 && $0 < 31 } == true })

        // Rows whose days are all 12 or less read either way: describe says so and names the
        // flag; predict takes the model's training format.
        let lines = try String(contentsOfFile: Self.file, encoding: .utf8).split(separator: "\n")
        let ambiguous = out + "/ambiguous.csv"
        try ([lines[0]] + lines.dropFirst().filter { Int($0.dropFirst(3).prefix(2))! <= 12 })
            .joined(separator: "\n").write(toFile: ambiguous, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["describe", ambiguous])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: \(ambiguous):2:1: every date in column \"Date\", like \"03/01/2013\", fits both %m/%d/%Y (month first) and %d/%m/%Y (day first); pass --date-format %m/%d/%Y or --date-format %d/%m/%Y\n")
        #expect(try CLI.run(["describe", ambiguous, "--date-format", "%m/%d/%Y"]).status == 0)
        let hinted = try CLI.run(["predict", out + "/train/model.safetensors", ambiguous, "--json"])
        #expect(hinted.status == 0, "\(hinted.stderr)")
        #expect(hinted.stdout.contains("\"2013-03-04\""))

        // Other disorder and repeated rows need --sort, which every command that reads a CSV takes.
        let shuffled = out + "/shuffled.csv"
        try ([lines[0]] + [lines[5], lines[5]] + lines.dropFirst().filter { $0 != lines[5] })
            .joined(separator: "\n").write(toFile: shuffled, atomically: true, encoding: .utf8)
        let unsorted = try CLI.run(["predict", out + "/train/model.safetensors", shuffled])
        #expect(unsorted.status == 1)
        #expect(unsorted.stderr.hasSuffix("(or drop the repeats: --sort)\n") && !unsorted.stderr.dropLast().contains("\n"))
        for command in [["predict", out + "/train/model.safetensors", shuffled, "--json"],
                        ["evaluate", out + "/train/model.safetensors", shuffled, "--json"]] {
            let sorted = try CLI.run(command + ["--sort"])
            #expect(sorted.status == 0, "\(command[0]): \(sorted.stderr)")
        }
        for command in ["train", "backtest"] {
            // The flags parse (no "Unknown option"); the bad pattern stops the run before any training.
            let r = try CLI.run([command, shuffled, "--target", "Close", "--sort", "--date-format", "%m/%d", "--out", out + "/x"])
            #expect(r.status == 1)
            #expect(r.stderr == "error: --date-format: date format \"%m/%d\" has no year (%Y or %y)\n")
        }
    }

    @Test("train --resume reads the file as the interrupted run did: its --date-format and --sort")
    func resumeKeepsTheReading() throws {
        // Only days up to 12, a repeated row and the rest newest first: readable only with both flags.
        let lines = try String(contentsOfFile: Self.file, encoding: .utf8).split(separator: "\n")
        let rows = lines.dropFirst().filter { Int($0.dropFirst(3).prefix(2))! <= 12 }
        let dir = CLI.temporaryDirectory()
        let file = dir + "/export.csv"
        try ([lines[0], rows[3]] + rows).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["train", file, "--target", "Close", "--date-format", "%m/%d/%Y", "--sort", "--members", "network",
                         "--timesteps", "10", "--hidden", "8", "--epochs", "300", "--patience", "1000", "--threads", "1", "--quiet"]
        let whole = try CLI.run(arguments + ["--out", dir + "/whole"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let (status, stderr) = try CLI.runInterrupted(CLI.executable.path, arguments + ["--out", dir + "/split"], atEpoch: 2)
        #expect(status == 130, "\(stderr)")
        let resumed = try CLI.run(["train", "--resume", dir + "/split", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/split/model.safetensors"))
        #expect(a == b)
    }
}
