import Forecast
import Foundation
import Testing

/// `mpirun -np 2 forecast … --distributed` against one process, on the binary built with
/// `--traits MPI` that FORECAST_MPI_BIN names (`make test` builds it and sets it).
@Suite("Distributed CLI (MPI)", .enabled(if: MPIRun.binary != nil, "set FORECAST_MPI_BIN to a forecast built with --traits MPI"))
struct DistributedCLITests {
    @Test("mpirun -np 2 train gives the weights of one process on the same global batch")
    func trainMatchesOneProcess() throws {
        let dir = try MPIRun.oneAndTwoRanks(["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands",
                                             "--timesteps", "12", "--epochs", "8", "--layers", "2", "--dropout", "0.2"],
                                            one: ["--threads", "2"], two: ["--threads", "1"])
        let a = try ForecastModel.load(path: dir + "/one/model.safetensors").network!.parameters.allValues
        let b = try ForecastModel.load(path: dir + "/two/model.safetensors").network!.parameters.allValues
        #expect(a.count == b.count && a.count > 1000)
        let worst = zip(a, b).map { abs($0 - $1) / max(abs($0), 1e-6) }.max() ?? .infinity
        #expect(worst <= 1e-5, "weights differ by \(worst) (relative)")
    }

    @Test("a distributed backtest gives the single-process per-fold metrics, predictions and model")
    func backtestMatchesOneProcess() throws {
        let dir = try MPIRun.oneAndTwoRanks(["backtest", CLI.dataset("sunspots_monthly.csv"), "--target", "sunspots", "--horizon", "12",
                                             "--timesteps", "24", "--epochs", "3", "--folds", "3"])
        let perFold = { (run: String) throws -> [[String: Any]] in
            (try jsonObject(dir + "/\(run)/metrics.json")["perFold"] as? [[String: Any]]) ?? []
        }
        let (a, b) = (try perFold("one"), try perFold("two"))
        #expect(a.count == 3)
        #expect(NSArray(array: a).isEqual(to: b))
        for file in ["predictions.csv", "model.safetensors"] {
            #expect(FileManager.default.contentsEqual(atPath: dir + "/one/" + file, andPath: dir + "/two/" + file), "\(file)")
        }
    }

    @Test("a folder of series spread over 2 ranks writes what one process writes")
    func folderMatchesOneProcess() throws {
        let dir = try MPIRun.oneAndTwoRanks(["backtest", CLI.dataset("eustockmarkets"), "--target", "close", "--horizon", "5",
                                             "--timesteps", "20", "--epochs", "2", "--folds", "2"])
        let summary = try csvRows(dir + "/two/summary.csv")
        #expect(summary.map { $0[0] } == ["series", "CAC", "DAX", "FTSE", "SMI"])
        for file in ["summary.csv", "DAX/predictions.csv", "SMI/model.safetensors", "CAC/metrics.json"] {
            #expect(FileManager.default.contentsEqual(atPath: dir + "/one/" + file, andPath: dir + "/two/" + file), "\(file)")
        }
    }

    @Test("SIGINT to the ranks writes one checkpoint; resuming on 2 ranks ends with one process's weights")
    func interruptAndResume() throws {
        let args = ["train", CLI.dataset("sunspots_monthly.csv"), "--target", "sunspots", "--hidden", "16", "--layers", "2",
                    "--dropout", "0.2", "--epochs", "12", "--patience", "1000", "--seed", "5"]
        let whole = CLI.temporaryDirectory(), split = CLI.temporaryDirectory()
        let one = try MPIRun.single(args + ["--threads", "2", "--quiet", "--out", whole])
        #expect(one.status == 0, "\(one.stderr)")
        let (status, stderr) = try CLI.runInterrupted("/usr/bin/env", MPIRun.launcher(2) + args + ["--threads", "1", "--out", split, "--distributed"],
                                                      atEpoch: 3, children: true)
        #expect(status != 0, "\(stderr)")
        #expect(stderr.contains("continue with: mpirun -np 2 forecast train --resume \(split) --distributed"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: split + "/checkpoint.json"))
        let resumed = try MPIRun.ranks(2, ["train", "--resume", split, "--distributed", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try ForecastModel.load(path: whole + "/model.safetensors").network!.parameters.allValues
        let b = try ForecastModel.load(path: split + "/model.safetensors").network!.parameters.allValues
        #expect(a == b)
    }

    @Test("ranks that read different files or folders stop together, with one line from rank 0")
    func mismatchedInputs() throws {
        let dir = CLI.temporaryDirectory()
        for sub in ["a", "b"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true) }
        for name in ["DAX", "FTSE"] { try FileManager.default.copyItem(atPath: CLI.dataset("eustockmarkets/\(name).csv"), toPath: "\(dir)/a/\(name).csv") }
        try FileManager.default.copyItem(atPath: CLI.dataset("eustockmarkets/DAX.csv"), toPath: "\(dir)/b/DAX.csv")
        let folders = try MPIRun.perRank([["backtest", dir + "/a"], ["backtest", dir + "/b"]],
                                         common: ["--target", "close", "--epochs", "1", "--out", dir + "/out", "--distributed"])
        #expect(folders.status != 0)
        #expect(folders.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
            == ["error: rank 1 sees other CSV files in \(dir)/a than rank 0; every rank must see the same folder"], "\(folders.stderr)")

        let files = try MPIRun.perRank([["train", "\(dir)/a/DAX.csv"], ["train", "\(dir)/a/FTSE.csv"]],
                                       common: ["--target", "close", "--epochs", "1", "--timesteps", "10", "--out", dir + "/out", "--distributed"])
        #expect(files.status != 0)
        #expect(files.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1, "\(files.stderr)")
        #expect(files.stderr.contains("rank 1 has other training or validation windows than rank 0"), "\(files.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test("a failure on every rank is reported once, in one line, with a non-zero exit and no output folder")
    func failureReportedOnce() throws {
        let dir = CLI.temporaryDirectory()
        let r = try MPIRun.ranks(2, ["train", dir + "/missing.csv", "--target", "x", "--out", dir + "/out", "--distributed"])
        #expect(r.status != 0)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "\(r.stderr)")
        #expect(errors.first?.contains("missing.csv") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }
}

/// Starts the MPI-built forecast alone or under mpirun (through `CLI.run`, whose time limit turns
/// a hang into a failure).
enum MPIRun {
    static var binary: String? { ProcessInfo.processInfo.environment["FORECAST_MPI_BIN"] }

    /// Runs `command` in one process into DIR/one and on 2 ranks into DIR/two (each successfully)
    /// and returns DIR.
    static func oneAndTwoRanks(_ command: [String], one: [String] = [], two: [String] = []) throws -> String {
        let dir = CLI.temporaryDirectory()
        let single = try Self.single(command + one + ["--quiet", "--out", dir + "/one"])
        #expect(single.status == 0, "\(single.stderr)")
        let ranks = try Self.ranks(2, command + two + ["--quiet", "--out", dir + "/two", "--distributed"])
        #expect(ranks.status == 0, "\(ranks.stderr)")
        return dir
    }

    static func single(_ arguments: [String]) throws -> CLIResult {
        try CLI.run(arguments, program: URL(fileURLWithPath: binary!))
    }

    static func ranks(_ n: Int, _ arguments: [String]) throws -> CLIResult {
        try CLI.run(launcher(n) + arguments, program: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// One rank per argument list (mpirun's `A : B` form), each followed by `common`.
    static func perRank(_ arguments: [[String]], common: [String]) throws -> CLIResult {
        let apps = arguments.map { ["-np", "1", binary!] + $0 + common }
        return try CLI.run(["mpirun", "--oversubscribe", "--allow-run-as-root"] + Array(apps.joined(separator: [":"])),
                           program: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// `mpirun` and its options for `n` ranks on this machine, then the binary.
    static func launcher(_ n: Int) -> [String] {
        ["mpirun", "-np", "\(n)", "--oversubscribe", "--allow-run-as-root", binary!]
    }
}
