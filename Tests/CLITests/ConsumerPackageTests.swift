import Forecast
import Foundation
import Testing

/// The library as other Swift code uses it: a package of its own, made in a temporary folder,
/// depends on a tagged clone of this repository the usual way,
///
///     .package(url: "file://<clone>", from: "<VERSION>")
///
/// imports `Forecast`, fits ETS and Theta on the bundled AirPassengers series and prints the
/// year ahead. SwiftPM refuses a dependency reached through a version requirement whose product
/// targets carry `unsafeFlags`, and nothing that builds this package itself would notice; this does.
///
/// What is tested is the working tree, not only HEAD: the clone of HEAD gets the uncommitted
/// changes (`git diff HEAD`) and the untracked files that are not ignored, committed there, before
/// the clone is tagged with VERSION; so a local edit to Package.swift is caught before it is
/// committed, and a clean clone (CI) tests exactly HEAD. The clone is made without tags, so the
/// tag made in it is the only version SwiftPM can pick. Nothing is tagged in this repository.
///
/// It needs no network: the clone is reached by its file:// URL, and the package's own
/// dependency (swift-argument-parser, by its github.com URL) through git, which on these machines
/// reads github.com addresses from a local copy of the packages (`url.….insteadOf` in the system
/// git configuration), as for the package's own build. SwiftPM's shared caches are left alone:
/// the dependencies are fetched without the shared repository cache, manifests cached in the
/// scratch folder, and everything is deleted with the temporary folder.
///
/// The consumer is built in debug (about 35 s for the library on two idle cores; release takes
/// twice as long and adds nothing to what is checked here).
@Suite("the library as a versioned dependency")
struct ConsumerPackageTests {
    static func version() throws -> String {
        try String(contentsOf: CLI.root.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The consumer's manifest: a dependency on the clone by URL and version, as a user writes it.
    static func manifest(clone: String, version: String) -> String {
        """
        // swift-tools-version:6.1
        import PackageDescription

        let package = Package(
            name: "consumer",
            dependencies: [
                .package(url: "file://\(clone)", from: "\(version)"),
            ],
            targets: [
                .executableTarget(name: "consumer", dependencies: [.product(name: "Forecast", package: "swift-forecast")]),
            ]
        )

        """
    }

    /// The consumer's program: fit two quick members on the CSV named by its argument, then one
    /// line per forecast step, `timestamp value`.
    static let program = """
        import Forecast

        var config = ForecastConfig(targets: ["passengers_thousands"])
        config.horizon = 12
        config.members = [.ets, .theta]
        let table = try Forecaster.readTable(path: CommandLine.arguments[1], config: config)
        let forecaster = try Forecaster(config: config)
        try forecaster.fit(table)
        for point in try forecaster.predict(table) {
            print(point.timestamp, point.value)
        }

        """

    /// Runs `command` (found on PATH) with its output in `folder`/command.log, which is returned
    /// (a build prints more than a pipe holds), and TMPDIR in `folder`/tmp (SwiftPM leaves its lock
    /// files there). A non-zero exit fails the test with the log's tail.
    @discardableResult
    static func run(_ command: [String], logIn folder: String, seconds: Double = 300) throws -> String {
        let log = folder + "/command.log", tmp = folder + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let result = try CLI.run(["-c", "log=$1; export TMPDIR=$2; shift 2; exec \"$@\" >\"$log\" 2>&1", "sh", log, tmp] + command,
                                 program: URL(fileURLWithPath: "/bin/sh"), seconds: seconds)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try #require(result.status == 0, "\(command.joined(separator: " ")) exited with \(result.status):\n\(output.suffix(6000))")
        return output
    }

    /// Commits, in `clone`, what the working tree of this repository has beyond HEAD: changes to
    /// tracked files (deletions and binary files too) and untracked files that are not ignored.
    static func commitWorkingTree(to clone: String, temp: String) throws {
        let root = CLI.root.path
        let patch = temp + "/working-tree.patch"
        try run(["git", "-C", root, "diff", "--binary", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/",
                 "--output=" + patch, "HEAD"], logIn: temp)
        let patchSize = (try FileManager.default.attributesOfItem(atPath: patch)[.size] as? Int) ?? 0
        if patchSize > 0 {
            try run(["git", "-C", clone, "apply", "--index", "--whitespace=nowarn", patch], logIn: temp)
        }
        let untracked = try run(["git", "-C", root, "ls-files", "--others", "--exclude-standard", "-z"], logIn: temp)
        for file in untracked.split(separator: "\0").map(String.init) where FileManager.default.fileExists(atPath: root + "/" + file) {
            let target = URL(fileURLWithPath: clone + "/" + file)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(atPath: root + "/" + file, toPath: target.path)
        }
        try run(["git", "-C", clone, "add", "--all"], logIn: temp)
        if !(try run(["git", "-C", clone, "status", "--porcelain"], logIn: temp)).isEmpty {
            try run(["git", "-C", clone, "-c", "user.name=consumer test", "-c", "user.email=consumer-test@localhost",
                     "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "Working tree of \(root)"], logIn: temp)
        }
    }

    @Test("a package that depends on a tagged clone through file:// and from: VERSION builds, fits and forecasts")
    func dependentPackageBuildsAndForecasts() throws {
        let version = try Self.version()
        let temp = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: temp) }

        let clone = temp + "/swift-forecast"
        try Self.run(["git", "clone", "--quiet", "--no-tags", CLI.root.path, clone], logIn: temp)
        try Self.commitWorkingTree(to: clone, temp: temp)
        try Self.run(["git", "-C", clone, "tag", version], logIn: temp)

        let consumer = temp + "/consumer"
        try FileManager.default.createDirectory(atPath: consumer + "/Sources/consumer", withIntermediateDirectories: true)
        try Self.manifest(clone: clone, version: version).write(toFile: consumer + "/Package.swift", atomically: true, encoding: .utf8)
        try Self.program.write(toFile: consumer + "/Sources/consumer/main.swift", atomically: true, encoding: .utf8)
        let scratch = temp + "/.build-consumer"
        try Self.run(["swift", "build", "-c", "debug", "--package-path", consumer, "--scratch-path", scratch,
                      "--disable-dependency-cache", "--manifest-cache", "local"], logIn: temp, seconds: 1800)

        // Resolved through the version tag of the clone, not a branch or a path.
        let resolved = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: consumer + "/Package.resolved"))) as? [String: Any])
        let pins = resolved["pins"] as? [[String: Any]] ?? []
        let pin = try #require(pins.first { $0["identity"] as? String == "swift-forecast" })
        #expect((pin["state"] as? [String: Any])?["version"] as? String == version)

        let output = try Self.run([scratch + "/debug/consumer", CLI.dataset("airpassengers_monthly.csv")], logIn: temp)
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.map { $0.first ?? "" } == (1...12).map { String(format: "1961-%02d-01", $0) }, "\(output)")
        let values = lines.compactMap { $0.count == 2 ? Double($0[1]) : nil }
        #expect(values.count == 12, "\(output)")
        // 1960 ran from 390 to 622 thousand passengers a month.
        #expect(values.allSatisfy { $0.isFinite && $0 > 300 && $0 < 900 }, "\(values)")
    }

    @Test("VERSION, forecastVersion, forecast --version, CHANGELOG.md and README.md name the same version")
    func versionIsOneString() throws {
        let version = try Self.version()
        #expect(version.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) != nil } == [true, true, true],
                "VERSION is not MAJOR.MINOR.PATCH: \(version)")
        #expect(forecastVersion == version)
        let cli = try CLI.run(["--version"])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == version)
        let changelog = try String(contentsOf: CLI.root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(changelog.contains("## [\(version)]"))
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("from: \"\(version)\""), "README.md shows another version to depend on")
    }
}
