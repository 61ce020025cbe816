import ArgumentParser
import Forecast
import Foundation

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Summarize a CSV file: rows, columns, time range, frequency, gaps, missing cells, statistics.",
        discussion: """
        Examples:
          forecast describe datasets/msft_daily_ohlcv.csv
          forecast describe datasets/DIRTY_msft_daily_export.csv --json
          forecast describe export.csv --delimiter semicolon --time-column Datum --columns Wert
          forecast describe broker.csv --date-format %d.%m.%Y --sort
        """
    )

    @Argument(help: "CSV file to read.")
    var file: String

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: "Field delimiter: auto, comma, semicolon or tab.")
    var delimiter: String = "auto"

    @Flag(help: "Read ',' as the decimal separator (default: only with ';' delimiters).")
    var decimalComma = false

    @Flag(help: "The file has no header line.")
    var noHeader = false

    @Option(help: "Time column by name or 0-based index; 'none' numbers the rows (default: auto).")
    var timeColumn: String?

    @Option(help: "Comma-separated value columns by name or 0-based index (default: all).")
    var columns: String?

    @Option(help: "Apply a missing-value policy first: error, drop, ffill or interpolate (default: count them).")
    var missing: String?

    @OptionGroup var read: ReadOptions

    func run() throws {
        do {
            var options = try read.csvOptions()
            options.missing = nil
            switch delimiter {
            case "auto": options.delimiter = .auto
            case "comma", ",": options.delimiter = .comma
            case "semicolon", ";": options.delimiter = .semicolon
            case "tab", "\t", "\\t": options.delimiter = .tab
            default: throw IngestError("unknown delimiter \"\(delimiter)\"; use auto, comma, semicolon or tab")
            }
            if decimalComma { options.decimalComma = true }
            options.hasHeader = !noHeader
            if let timeColumn {
                options.time = timeColumn == "none" ? .rowNumber : Int(timeColumn).map { .index($0) } ?? .name(timeColumn)
            }
            if let columns {
                options.columns = columns.split(separator: ",").map { part in
                    Int(part).map { .index($0) } ?? .name(String(part))
                }
            }
            if let missing {
                guard let policy = MissingPolicy(rawValue: missing) else {
                    throw IngestError("unknown missing-value policy \"\(missing)\"; use error, drop, ffill or interpolate")
                }
                options.missing = policy
            }
            let table = try CSVReader.read(path: file, options: options)
            let summary = TableSummary(table)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print(summary.text())
                if let report = table.missingReport, report.missingCells > 0 {
                    print("missing:    \(report.missingCells) cells handled by \(report.policy.rawValue): \(report.filledCells) filled, \(report.droppedRows) rows dropped")
                }
            }
        } catch let error as IngestError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
