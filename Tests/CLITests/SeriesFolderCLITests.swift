import Foundation
import Testing

@Suite("Folders of series")
struct SeriesFolderCLITests {
    static let small = ["--epochs", "2", "--hidden", "4", "--timesteps", "10"]

    /// A folder with two of the bundled index series and one file that cannot be read.
    static func folder() throws -> String {
        let dir = CLI.temporaryDirectory() + "/series"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["DAX", "FTSE"] {
            try FileManager.default.copyItem(atPath: CLI.dataset("eustockmarkets/\(name).csv"), toPath: dir + "/\(name).csv")
        }
        try "t,close\n0,1\n1,oops\n".write(toFile: dir + "/broken.csv", atomically: true, encoding: .utf8)
        try "not a series".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("backtest FOLDER: a folder per series, one summary; a bad file fails alone and the exit says so")
    func backtestFolder() throws {
        let dir = try Self.folder()
        let out = CLI.temporaryDirectory() + "/out"
        let r = try CLI.run(["backtest", dir, "--target", "close", "--horizon", "3", "--folds", "2", "--out", out] + Self.small)
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: 1 of 3 series failed"), "\(r.stderr)")
        #expect(r.stderr.contains("broken.csv:3"), "the failure names file and line: \(r.stderr)")
        for series in ["DAX", "FTSE"] {
            for file in ["predictions.csv", "metrics.json", "report.html", "model.safetensors"] {
                #expect(FileManager.default.fileExists(atPath: "\(out)/\(series)/\(file)"), "\(series)/\(file)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/broken"))
        #expect(!FileManager.default.fileExists(atPath: out + "/notes"))
        let summary = try csvRows(out + "/summary.csv")
        #expect(summary.first?.first == "series")
        #expect(summary.dropFirst().map { $0[0] } == ["DAX", "FTSE", "broken"])
        #expect(summary[1][1] == "6" && Double(summary[1][2]) != nil, "DAX scored 2 folds × 3 steps")
        #expect(summary[3][2].isEmpty && !summary[3].last!.isEmpty, "broken has no metrics but an error")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [[String: Any]]
        #expect(json?.count == 3)
        #expect(try String(contentsOfFile: out + "/report.html", encoding: .utf8).contains("FTSE"))
    }

    @Test("train FOLDER: one model per series")
    func trainFolder() throws {
        let dir = try Self.folder()
        try FileManager.default.removeItem(atPath: dir + "/broken.csv")
        let out = CLI.temporaryDirectory() + "/out"
        let r = try CLI.run(["train", dir, "--target", "close", "--out", out, "--json"] + Self.small)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["series"] as? String } == ["DAX", "FTSE"])
        for series in ["DAX", "FTSE"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(series)/model.safetensors"))
        }
    }

    @Test("an empty folder and --distributed without MPI are refused in one line")
    func refusals() throws {
        let empty = CLI.temporaryDirectory()
        let r = try CLI.run(["backtest", empty, "--target", "close"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("no .csv files"), "\(r.stderr)")
        if MPIRun.binary == nil || CLI.executable.path != MPIRun.binary {
            let d = try CLI.run(["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands", "--distributed"])
            #expect(d.status != 0)
            #expect(d.stderr.contains("built without MPI"), "\(d.stderr)")
        }
    }
}
