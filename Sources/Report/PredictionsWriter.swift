/// Writes `predictions.csv`: one line per ``ForecastRecord``, under the header
/// `timestamp,target,step,actual,predicted,fold`, followed, when the records carry prediction
/// intervals, by one `lo-L,hi-L` pair per level in ascending order (`lo-80,hi-80,lo-95,hi-95`,
/// the names Nixtla's libraries use).
///
/// Text fields are quoted as RFC 4180 asks (see ``Escaping/csvField(_:)``); numbers are written
/// with the shortest digits that parse back to the same `Double`
/// (see ``NumberFormat/roundTrip(_:)``), missing values as `NaN`. Lines end in `\n`.
/// Baseline forecasts are not written.
public enum PredictionsWriter {
    /// The header line without intervals, without its line feed.
    public static let header = "timestamp,target,step,actual,predicted,fold"

    /// The header line for records with intervals at `levels`.
    public static func header(levels: [Double]) -> String {
        ([header] + IntervalBound.columns(levels: levels)).joined(separator: ",")
    }

    /// The interval levels of `records`: those of the first record that has any.
    public static func levels(of records: [ForecastRecord]) -> [Double] {
        records.first { !$0.bounds.isEmpty }?.bounds.map(\.level) ?? []
    }

    /// One CSV line for `record`, without its line feed; `levels` are the interval columns
    /// (NaN where the record has no bound at a level).
    public static func line(for record: ForecastRecord, levels: [Double] = []) -> String {
        var text = Escaping.csvField(record.timestamp) + "," + Escaping.csvField(record.target) + ","
            + String(record.step) + "," + NumberFormat.roundTrip(record.actual) + ","
            + NumberFormat.roundTrip(record.predicted) + "," + String(record.fold)
        for level in levels {
            let b = record.bounds.first { $0.level == level }
            text += "," + NumberFormat.roundTrip(b?.lower ?? .nan) + "," + NumberFormat.roundTrip(b?.upper ?? .nan)
        }
        return text
    }

    /// The whole file's text.
    public static func csv(_ records: [ForecastRecord]) -> String {
        let levels = levels(of: records)
        var text = header(levels: levels) + "\n"
        for record in records { text += line(for: record, levels: levels) + "\n" }
        return text
    }

    /// Writes the file atomically (see ``AtomicFile``).
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ records: [ForecastRecord], to path: String) throws {
        let levels = levels(of: records)
        try AtomicFile.write(to: path) { sink in
            try sink.write(header(levels: levels) + "\n")
            for record in records { try sink.write(line(for: record, levels: levels) + "\n") }
        }
    }
}
