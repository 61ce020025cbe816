import Foundation
import Testing

/// Ctrl-C during `forecast train` writes a checkpoint and exits 130; `--resume` finishes the run
/// with the very same model file as a run that was never interrupted.
@Suite("interrupt and resume")
struct InterruptResumeTests {
    static let arguments = ["train", CLI.dataset("sunspots_monthly.csv"), "--target", "sunspots", "--hidden", "16",
                            "--layers", "2", "--dropout", "0.2", "--epochs", "12", "--patience", "1000", "--seed", "5",
                            "--threads", "2", "--quiet"]

    @Test("SIGINT writes a checkpoint; --resume ends with the uninterrupted run's model, byte for byte")
    func resumeEqualsUninterrupted() throws {
        let whole = CLI.temporaryDirectory(), split = CLI.temporaryDirectory()
        let uninterrupted = try CLI.run(Self.arguments + ["--out", whole])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        let (status, stderr) = try CLI.runInterrupted(CLI.executable.path, Self.arguments + ["--out", split], atEpoch: 3)
        #expect(status == 130, "\(stderr)")
        #expect(stderr.contains("continue with: forecast train --resume \(split)"))
        #expect(FileManager.default.fileExists(atPath: split + "/checkpoint.json"))
        #expect(!FileManager.default.fileExists(atPath: split + "/model.safetensors"), "an interrupted run writes no model")

        let resumed = try CLI.run(["train", "--resume", split, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: whole + "/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: split + "/model.safetensors"))
        #expect(a == b)
        #expect(!FileManager.default.fileExists(atPath: split + "/checkpoint.json"), "the checkpoint is removed once used")
    }

    @Test("kill -9 at any moment leaves the previous complete model file or the new one")
    func killNineLeavesACompleteModel() throws {
        let out = CLI.temporaryDirectory(), reference = CLI.temporaryDirectory()
        let small = ["train", CLI.dataset("airpassengers_monthly.csv"), "--target", "passengers_thousands", "--timesteps", "12",
                     "--hidden", "8", "--epochs", "30", "--patience", "1000", "--quiet"]
        #expect(try CLI.run(small + ["--seed", "1", "--out", out]).status == 0)
        #expect(try CLI.run(small + ["--seed", "2", "--out", reference]).status == 0)
        let old = try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors"))
        let new = try Data(contentsOf: URL(fileURLWithPath: reference + "/model.safetensors"))
        #expect(old != new)
        for delay in stride(from: 0.0, through: 0.6, by: 0.05) {
            let p = Process()
            p.executableURL = CLI.executable
            p.arguments = small + ["--seed", "2", "--out", out]
            p.currentDirectoryURL = CLI.root
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors"))
            #expect(now == old || now == new, "after kill -9 at \(delay) s the model file is neither the old nor the new one")
            #expect(try CLI.run(["inspect", out + "/model.safetensors"]).status == 0)
        }
    }

    @Test("--resume refuses a folder without a checkpoint, and a data file that changed")
    func resumeRefusals() throws {
        let empty = CLI.temporaryDirectory()
        let none = try CLI.run(["train", "--resume", empty])
        #expect(none.status == 1 && none.stderr.contains("no checkpoint to resume from"), "\(none.stderr)")
        // Flags the resumed run would ignore are refused, named as the user typed them.
        let flags = try CLI.run(["train", "--resume", empty, "--epochs", "3", "--hidden", "8", "--lr", "0.01", "--sort"])
        #expect(flags.status == 64)
        #expect(flags.stderr.hasPrefix("Error: --resume continues the run with the settings in its checkpoint; leave out --hidden, --lr, --epochs, --sort\n"),
                "\(flags.stderr)")

        let dir = CLI.temporaryDirectory()
        let data = dir + "/series.csv"
        try FileManager.default.copyItem(atPath: CLI.dataset("sunspots_monthly.csv"), toPath: data)
        var args = Self.arguments
        args[1] = data
        let (status, _) = try CLI.runInterrupted(CLI.executable.path, args + ["--out", dir + "/run"], atEpoch: 2)
        #expect(status == 130)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data))
        handle.seekToEndOfFile()
        handle.write(Data("2009-01-01,1.5\n".utf8))
        try handle.close()
        let changed = try CLI.run(["train", "--resume", dir + "/run"])
        #expect(changed.status == 1 && changed.stderr.contains("changed since training was interrupted"), "\(changed.stderr)")
    }

    @Test("a FILE and --resume together, or neither, is a usage error")
    func usage() throws {
        #expect(try CLI.run(["train"]).status != 0)
        #expect(try CLI.run(["train", CLI.dataset("sunspots_monthly.csv"), "--resume", "x"]).status != 0)
    }
}
