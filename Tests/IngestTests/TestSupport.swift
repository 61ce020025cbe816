import Foundation
import Ingest
import Testing

/// Absolute path of a bundled dataset (`datasets/` at the repository root).
func datasetPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets").appendingPathComponent(name).path
}

/// The one-line description of the `IngestError` thrown by `body`; records an issue if
/// nothing or something else is thrown.
func ingestErrorText(_ body: () throws -> Any, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
        _ = try body()
        Issue.record("expected an IngestError, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as IngestError {
        #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        return error.description
    } catch {
        Issue.record("expected an IngestError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Reads inline CSV text named `name` in error messages.
func readCSV(_ text: String, name: String = "t.csv", options: CSVOptions = CSVOptions()) throws -> Table {
    try CSVReader.read(string: text, name: name, options: options)
}

/// Options that keep missing cells as NaN.
var keepMissing: CSVOptions {
    var options = CSVOptions()
    options.missing = nil
    return options
}
