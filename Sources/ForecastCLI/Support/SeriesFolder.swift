import ArgumentParser
import Forecast
import Foundation

/// A folder of CSV files, one series each, run with the same settings: each series gets its own
/// output folder (OUT/<file name without .csv>/) and OUT/ gets one summary over all of them
/// (summary.csv, summary.md, summary.json, report.html). Under MPI, series i runs on rank
/// i mod ranks; rank 0 gathers every series' files, round by round, and writes them.
struct SeriesFolder {
    let directory: String
    /// The CSV files, sorted by name.
    let files: [String]

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    init(_ directory: String) throws {
        self.directory = directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SeriesFolderError(description: "cannot list the folder \(directory)")
        }
        files = names.filter { $0.lowercased().hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { throw SeriesFolderError(description: "\(directory) is a folder with no .csv files") }
    }

    static func seriesName(_ file: String) -> String {
        ((file as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// Runs `job` on every series (spread over the ranks) and writes the results under `out`.
    /// A series that fails is reported in the summary and does not stop the others; the
    /// command then ends with an error naming how many failed.
    func run(_ d: Distribution, out: String, force: Bool, kind: String, progress: Progress,
             job: (String) throws -> (SeriesSummary, RunArtifacts)) throws -> [SeriesSummary] {
        try checkSameFiles(d)
        var summaries: [SeriesSummary] = []
        let rounds = (files.count + d.ranks - 1) / d.ranks
        for round in 0..<rounds {
            let index = round * d.ranks + d.rank
            var payload: [UInt8] = []
            if index < files.count {
                let file = files[index]
                let name = Self.seriesName(file)
                let (summary, artifacts): (SeriesSummary, RunArtifacts)
                do {
                    (summary, artifacts) = try job(file)
                } catch {
                    (summary, artifacts) = (SeriesSummary(series: name, file: file, failure: oneLine(error)), RunArtifacts())
                }
                payload = SeriesPayload.encode(summary: summary, artifacts: artifacts)
            }
            let parts = d.collective.map { $0.gather(payload, to: 0) ?? [] } ?? [payload]
            try d.together {
                guard d.writes else { return }
                for part in parts where !part.isEmpty {
                    let (summary, artifacts) = try SeriesPayload.decode(part)
                    if summary.failure == nil {
                        try artifacts.write(to: (out as NSString).appendingPathComponent(summary.series), force: force)
                    }
                    summaries.append(summary)
                    progress.message("\(summary.failure == nil ? "finished" : "failed") \(summary.series) (\(summaries.count)/\(files.count))")
                }
            }
        }
        try d.together {
            guard d.writes else { return }
            try Self.summaryArtifacts(summaries, kind: kind, source: directory).write(to: out, force: force)
        }
        return summaries
    }

    /// Every rank must list the same files: the rounds of `run` are counted from them, and a
    /// host whose folder differs would otherwise leave the others waiting. Throws on every rank;
    /// rank 0 says why.
    private func checkSameFiles(_ d: Distribution) throws {
        guard let collective = d.collective, collective.size > 1 else { return }
        let lists = collective.allGather(Array(files.map { ($0 as NSString).lastPathComponent }.joined(separator: "\n").utf8))
        if let other = lists.indices.first(where: { lists[$0] != lists[0] }) {
            guard d.rank == 0 else { throw DistributedError.peerFailed(rank: 0) }
            throw SeriesFolderError(description: "rank \(other) sees other CSV files in \(directory) than rank 0; every rank must see the same folder")
        }
    }

    /// summary.csv, summary.md, summary.json and report.html over all series.
    static func summaryArtifacts(_ rows: [SeriesSummary], kind: String, source: String) throws -> RunArtifacts {
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        let header = ["series", "forecasts", "mae", "naive_mae", "seasonal_naive_mae", "mase", "seasonal_naive_mase", "error"]
        let cells = rows.map { r -> [String] in
            [r.series, r.forecasts.map(String.init) ?? "", f(r.metrics?.model.mae), f(r.metrics?.naive.mae),
             f(r.metrics?.seasonalNaive.mae), f(r.metrics?.model.mase), f(r.metrics?.seasonalNaive.mase), r.failure ?? ""]
        }
        var a = RunArtifacts()
        a.add("summary.csv", ([header] + cells).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n")
        let table = MetricsTable(title: "\(kind) of \(rows.count) series in \(source)", header: header, rows: cells)
        a.add("summary.md", table.markdown)
        a.add("summary.json", try jsonText(rows) + "\n")
        let ok = rows.filter { $0.failure == nil }
        let mase = ok.compactMap { $0.metrics?.model.mase }
        var notes = ["Each series has its own folder with its model, predictions, metrics and report."]
        if !mase.isEmpty {
            notes.append(String(format: "Mean MASE over %d series: %.4f (seasonal naive: %.4f).", mase.count,
                                mase.reduce(0, +) / Double(mase.count),
                                ok.compactMap { $0.metrics?.seasonalNaive.mase }.reduce(0, +) / Double(max(1, mase.count))))
        }
        if ok.count < rows.count { notes.append("\(rows.count - ok.count) series failed; the error column says why.") }
        a.add("report.html", HTMLReport(title: "\(kind) of \(rows.count) series", subtitle: source, notes: notes,
                                        extraTables: [table]).render())
        return a
    }

    /// Rank 0's last words on a folder run: the summary on stdout, and an error when any
    /// series failed (after everything that ran was written).
    static func report(_ rows: [SeriesSummary], _ d: Distribution, out: String, output: OutputOptions, kind: String) throws {
        guard d.writes else { return }
        if output.json {
            print(try jsonText(rows))
        } else if !output.quiet {
            let on = d.ranks > 1 ? " on \(d.ranks) ranks" : ""
            print("\(kind) of \(rows.count) series\(on):")
            for r in rows { print("  " + r.line) }
            print("wrote summary.csv, summary.md, summary.json, report.html and one folder per series to \(out)/")
        }
        let failed = rows.filter { $0.failure != nil }
        if let first = failed.first {
            throw SeriesFolderError(description: "\(failed.count) of \(rows.count) series failed (see \(out)/summary.csv); first: \(first.series): \(first.failure!)")
        }
    }

    private static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// One series' line in a folder run's summary.
struct SeriesSummary: Codable {
    let series: String
    let file: String
    /// Forecast values scored (backtest) or held-out steps (train).
    var forecasts: Int?
    var metrics: MetricComparison?
    /// Why the series failed, in one line; nil when it ran.
    var failure: String?

    init(series: String, file: String, forecasts: Int? = nil, metrics: MetricComparison? = nil, failure: String? = nil) {
        self.series = series
        self.file = file
        self.forecasts = forecasts
        self.metrics = metrics
        self.failure = failure
    }

    var line: String {
        if let failure { return "\(series): failed: \(failure)" }
        guard let m = metrics else { return "\(series): done" }
        return String(format: "%@: MAE %.4f (naive %.4f)", series, m.model.mae ?? .nan, m.naive.mae ?? .nan)
            + (m.model.mase.map { String(format: ", MASE %.4f", $0) } ?? "")
    }
}

/// A series' summary and files as bytes, to send from the rank that ran it to rank 0:
/// the summary's JSON, then each file as name and contents, every part length-prefixed.
enum SeriesPayload {
    static func encode(summary: SeriesSummary, artifacts: RunArtifacts) -> [UInt8] {
        var out: [UInt8] = []
        func put(_ bytes: [UInt8]) {
            out += withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init)
            out += bytes
        }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        put(Array((try? encoder.encode(summary)) ?? Data()))
        for f in artifacts.files {
            put(Array(f.name.utf8))
            put(f.bytes)
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws -> (SeriesSummary, RunArtifacts) {
        var at = 0
        func take() throws -> [UInt8] {
            guard at + 8 <= bytes.count else { throw SeriesFolderError(description: "a series result arrived truncated") }
            let n = Int(bytes[at..<at + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) })
            at += 8
            guard n <= bytes.count - at else { throw SeriesFolderError(description: "a series result arrived truncated") }
            defer { at += n }
            return Array(bytes[at..<at + n])
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let summary = try decoder.decode(SeriesSummary.self, from: Data(try take()))
        var artifacts = RunArtifacts()
        while at < bytes.count {
            let name = String(decoding: try take(), as: UTF8.self)
            artifacts.add(name, bytes: try take())
        }
        return (summary, artifacts)
    }
}

struct SeriesFolderError: Error, CustomStringConvertible {
    let description: String
}
