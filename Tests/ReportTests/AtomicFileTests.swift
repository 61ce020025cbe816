import Foundation
import Report
import Testing

private struct Interrupted: Error {}

@Suite struct AtomicFileTests {
    @Test func writesAndReplaces() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/out.txt"
        try AtomicFile.write("first", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
        try AtomicFile.write(Array("second, longer".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second, longer")
        try AtomicFile.write([], to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect(directoryListing(dir) == ["out.txt"])
    }

    @Test func streamingWritesLargeOutput() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/big.txt"
        try AtomicFile.write(to: path) { sink in
            for i in 0..<100_000 { try sink.write("line \(i)\n") }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 100_000)
        #expect(text.hasSuffix("line 99999\n"))
    }

    @Test func aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/metrics.json"
        try AtomicFile.write("old", to: path)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { sink in
                for _ in 0..<10_000 { try sink.write("partial output that must not appear\n") }
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(directoryListing(dir) == ["metrics.json"])
    }

    @Test func aDirectoryInTheWayFailsCleanly() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/report.html"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try AtomicFile.write("inside", to: path + "/kept.txt")
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write("new", to: path)
        }
        #expect(error?.path == path)
        #expect(error?.operation == "rename")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try String(contentsOfFile: path + "/kept.txt", encoding: .utf8) == "inside")
        #expect(directoryListing(dir) == ["report.html"])
    }

    @Test func aMissingFolderFails() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let error = #expect(throws: AtomicFileError.self) {
            try AtomicFile.write("x", to: dir + "/missing/out.txt")
        }
        #expect(error?.description.contains("missing/out.txt") == true)
        #expect(directoryListing(dir).isEmpty)
    }

    @Test(.enabled(if: getuid() != 0, "root ignores directory permissions"))
    func anUnwritableFolderLeavesTheOldFile() throws {
        let dir = try makeTemporaryDirectory()
        defer {
            chmod(dir, 0o755)
            removeDirectory(dir)
        }
        let path = dir + "/out.txt"
        try AtomicFile.write("old", to: path)
        chmod(dir, 0o555)
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("new", to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(directoryListing(dir) == ["out.txt"])
    }

    @Test func aReplacedFileKeepsItsMode() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/script.sh"
        try AtomicFile.write("one", to: path)
        chmod(path, 0o750)
        try AtomicFile.write("two", to: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o750)
    }
}

@Suite struct EscapingTests {
    @Test func xml() {
        #expect(Escaping.xml("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(Escaping.xml("tab\tok\u{0}\u{1B}") == "tab\tok\u{FFFD}\u{FFFD}")
    }

    @Test func csv() {
        #expect(Escaping.csvField("plain") == "plain")
        #expect(Escaping.csvField("a,b") == "\"a,b\"")
        #expect(Escaping.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(Escaping.csvField("two\nlines") == "\"two\nlines\"")
        #expect(Escaping.csvField("crlf\r\n") == "\"crlf\r\n\"")
        #expect(Escaping.csvField(" padded") == "\" padded\"")
    }

    @Test func markdown() {
        #expect(Escaping.markdownCell("a|b<c>\nd") == "a\\|b&lt;c&gt; d")
    }

    @Test func numbers() {
        #expect(NumberFormat.roundTrip(0.1) == "0.1")
        #expect(NumberFormat.roundTrip(.nan) == "NaN")
        #expect(NumberFormat.roundTrip(-.infinity) == "-inf")
        #expect(NumberFormat.display(1234.5) == "1234")  // %.4g rounds half to even
        #expect(NumberFormat.display(0.000123456) == "0.0001235")
        #expect(NumberFormat.display(nil) == "n/a")
    }
}
