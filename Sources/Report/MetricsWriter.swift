#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes `metrics.json` and `metrics.md`.
public enum MetricsWriter {
    /// `value` as pretty-printed JSON with sorted keys, so that the same metrics always give the
    /// same bytes; ends with a line feed.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// `report` as a Markdown document: a `#` title and the tables of
    /// ``MetricsTable/tables(for:)``.
    public static func markdown(_ report: EvaluationReport, title: String = "Metrics") -> String {
        var text = "# " + Escaping.markdownCell(title) + "\n\n"
        let seasons = report.seasons.keys.sorted().map { "\($0): \(report.seasons[$0]!)" }
        if !seasons.isEmpty {
            text += "Seasonal period for the seasonal naive baseline and MASE: "
                + Escaping.markdownCell(seasons.joined(separator: ", ")) + ".\n\n"
        }
        text += MetricsTable.tables(for: report).map(\.markdown).joined(separator: "\n")
        return text
    }

    /// Writes ``json(_:)`` of `report` to `path` atomically.
    ///
    /// - Throws: `EncodingError` or ``AtomicFileError``.
    public static func writeJSON(_ report: EvaluationReport, to path: String) throws {
        try AtomicFile.write(json(report), to: path)
    }

    /// Writes ``markdown(_:title:)`` of `report` to `path` atomically.
    ///
    /// - Throws: ``AtomicFileError``.
    public static func writeMarkdown(_ report: EvaluationReport, title: String = "Metrics", to path: String) throws {
        try AtomicFile.write(markdown(report, title: title), to: path)
    }
}
