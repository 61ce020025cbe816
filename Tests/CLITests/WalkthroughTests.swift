import Foundation
import Testing

/// The walkthroughs in notebooks-md/ must keep working: every command of their ```` ```sh run ````
/// blocks runs here against the built binaries, in a temporary folder, with training shortened
/// to two epochs (the pages themselves come from full runs of scripts/regen-notebooks.sh).
@Suite struct WalkthroughTests {
    static let folder = CLI.root.appendingPathComponent("notebooks-md")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("src").path)) ?? []
        return files.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
    }

    /// The commands of a walkthrough source, continuation lines joined as the shell would.
    static func commands(in markdown: String) -> [String] {
        var commands: [String] = [], current = "", inBlock = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !inBlock { inBlock = line == "```sh run"; continue }
            if line == "```" { inBlock = false; continue }
            if line.isEmpty { continue }
            if line.hasSuffix("\\") { current += line.dropLast() + " "; continue }
            commands.append(current + line)
            current = ""
        }
        return commands.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    }

    static let torchAvailable: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import torch, numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    /// A command as the test runs it: outputs under `scratch`, at most two epochs, `swift run`
    /// replaced by the executable it would build.
    static func shortened(_ command: String, scratch: String) -> String {
        var words = command.replacingOccurrences(of: "notebooks-md/assets/", with: scratch + "/assets/")
            .split(separator: " ").map(String.init)
        if words.starts(with: ["swift", "run", "-c", "release", "--quiet"]) { words.removeFirst(5) }
        if let i = words.firstIndex(of: "--epochs"), i + 1 < words.count {
            words[i + 1] = "2"
        } else if words.first == "forecast", ["train", "backtest"].contains(words.dropFirst().first ?? "") {
            words += ["--epochs", "2"]
        }
        return words.joined(separator: " ")
    }

    @Test func everyWalkthroughHasSourceAndPage() throws {
        #expect(Self.names.count >= 3)
        for name in Self.names {
            let source = try String(contentsOf: Self.folder.appendingPathComponent("src/\(name).md"), encoding: .utf8)
            let page = try String(contentsOf: Self.folder.appendingPathComponent("\(name).md"), encoding: .utf8)
            // Continuation lines are shown as written; compare word sequences.
            let shown = page.replacingOccurrences(of: "\\\n  ", with: "")
                .split(separator: "\n").filter { $0.hasPrefix("$ ") }
                .map { $0.dropFirst(2).split(separator: " ").joined(separator: " ") }
            #expect(!shown.isEmpty, "\(name).md shows no commands: run scripts/regen-notebooks.sh")
            #expect(shown == Self.commands(in: source), "\(name).md is out of date with src/\(name).md: run scripts/regen-notebooks.sh")
            for image in Self.images(in: source) {
                let path = Self.folder.appendingPathComponent(image).path
                #expect(FileManager.default.fileExists(atPath: path), "\(name).md links \(image), which is missing")
            }
        }
    }

    @Test(arguments: names) func commandsStillRun(name: String) throws {
        let source = try String(contentsOf: Self.folder.appendingPathComponent("src/\(name).md"), encoding: .utf8)
        let scratch = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/assets/" + name, withIntermediateDirectories: true)
        let binaries = CLI.executable.deletingLastPathComponent().path
        var ranAll = true
        for command in Self.commands(in: source) {
            if command.hasPrefix("python3 ") && !Self.torchAvailable {
                ranAll = false   // PyTorch is optional; the steps after it use its output.
                break
            }
            let result = try Self.shell(Self.shortened(command, scratch: scratch), path: binaries)
            #expect(result.status == 0, "\(name): `\(command)` failed: \(result.stderr)")
            if result.status != 0 { return }
        }
        guard ranAll else { return }
        for image in Self.images(in: source) {
            let path = scratch + "/" + image
            let svg = try String(contentsOfFile: path, encoding: .utf8)
            #expect(isWellFormedXML(svg), "\(name): \(image) is not well-formed SVG")
        }
    }

    static func images(in markdown: String) -> [String] {
        markdown.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("!["), let open = line.firstIndex(of: "("), line.hasSuffix(")") else { return nil }
            return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
        }
    }

    static func shell(_ command: String, path: String) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-o", "pipefail", "-c", command]
        p.currentDirectoryURL = CLI.root
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        p.environment = environment
        let output = Pipe()   // one pipe for both streams: nothing can block on a full buffer
        p.standardOutput = output
        p.standardError = output
        try p.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: "", stderr: String(decoding: text, as: UTF8.self))
    }
}
