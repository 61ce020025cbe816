/// Writes `predictions.csv`: one line per ``ForecastRecord``, under the header
/// `timestamp,target,step,actual,predicted,fold`.
///
/// Text fields are quoted as RFC 4180 asks (see ``Escaping/csvField(_:)``); numbers are written
/// with the shortest digits that parse back to the same `Double`
/// (see ``NumberFormat/roundTrip(_:)``), missing values as `NaN`. Lines end in `\n`.
/// Baseline forecasts are not written.
public enum PredictionsWriter {
    /// The header line, without its line feed.
    public static let header = "timestamp,target,step,actual,predicted,fold"

    /// One CSV line for `record`, without its line feed.
    public static func line(for record: ForecastRecord) -> String {
        Escaping.csvField(record.timestamp) + "," + Escaping.csvField(record.target) + ","
            + String(record.step) + "," + NumberFormat.roundTrip(record.actual) + ","
            + NumberFormat.roundTrip(record.predicted) + "," + String(record.fold)
    }

    /// The whole file's text.
    public static func csv(_ records: [ForecastRecord]) -> String {
        var text = header + "\n"
        for record in records { text += line(for: record) + "\n" }
        return text
    }

    /// Writes the file atomically (see ``AtomicFile``).
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ records: [ForecastRecord], to path: String) throws {
        try AtomicFile.write(to: path) { sink in
            try sink.write(header + "\n")
            for record in records { try sink.write(line(for: record) + "\n") }
        }
    }
}
