import ArgumentParser
import Forecast

/// `--date-format` and `--sort`, shared by every command that reads a CSV file.
struct ReadOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How the time column is written: a pattern such as %m/%d/%Y, %d.%m.%Y, %Y%m%d or '%m/%d/%Y %H:%M' (%Y %y %m %d %b %H %M %S), unix (seconds since 1970, UTC), or auto.",
        discussion: "auto (the default) reads ISO 8601 dates and an integer index, and otherwise the one reading of common export formats that every row allows (04/19/2024 is month first, 13/04/2024 day first); when the rows allow several it stops and lists them.",
        valueName: "format"))
    var dateFormat: String?

    @Flag(help: "Sort rows by time and drop repeated times instead of failing (a file entirely newest first is reversed without it).")
    var sort = false

    /// The format given, nil for none (then the reader's `.auto`). A bad pattern is a one-line
    /// error naming the flag.
    func format() throws -> CSVOptions.DateFormat? {
        guard let dateFormat else { return nil }
        do { return try CSVOptions.DateFormat(dateFormat) } catch let e as IngestError { throw IngestError("--date-format: \(e.message)") }
    }

    /// Reader options with these flags; `hint` (the format a model was trained with) decides
    /// when the values leave the reading open and no format is given.
    func csvOptions(hint: String? = nil) throws -> CSVOptions {
        var options = CSVOptions(sortAndDeduplicate: sort)
        if let format = try format() {
            options.dateFormat = format
        } else if let hint {
            options.dateFormatHint = try? CSVOptions.DateFormat(hint)
        }
        return options
    }
}
