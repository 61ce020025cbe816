/// How `CSVReader` interprets a file. The defaults suit a header line, a date/time column
/// found automatically, every other column numeric, and no missing values tolerated.
public struct CSVOptions: Sendable, Equatable {
    /// Field separator.
    public enum Delimiter: Sendable, Equatable {
        /// Chosen from the header line: whichever of `,` `;` tab occurs most often outside quotes.
        case auto
        case comma
        case semicolon
        case tab

        var byte: UInt8? {
            switch self {
            case .auto: return nil
            case .comma: return UInt8(ascii: ",")
            case .semicolon: return UInt8(ascii: ";")
            case .tab: return UInt8(ascii: "\t")
            }
        }
    }

    /// Which column holds the time stamps.
    public enum TimeColumn: Sendable, Equatable {
        /// A column named date, time, timestamp, datetime, ds, t, index, period, month, week or
        /// year (case-insensitive); else the first column if its first value is a date or date-time.
        case auto
        case name(String)
        /// 0-based field position in the file.
        case index(Int)
        /// No time column: rows are numbered 0, 1, 2, ... and every column is a value column.
        case rowNumber
    }

    /// A value column chosen by header name or by 0-based field position in the file.
    public enum ColumnSelector: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case name(String)
        case index(Int)
        public init(stringLiteral value: String) { self = .name(value) }
        public init(integerLiteral value: Int) { self = .index(value) }
    }

    /// How the time column's values are written.
    public enum DateFormat: Sendable, Equatable, CustomStringConvertible {
        /// ISO 8601 dates and date-times, or an integer index; any other value is read with the one
        /// `DatePattern.candidates` format that fits every row (`04/19/2024` is month first,
        /// `13/04/2024` day first), and when several fit every row (all days up to 12) reading stops
        /// with an error that lists them. See also `dateFormatHint`.
        case auto
        /// Every value in this pattern.
        case pattern(DatePattern)
        /// Seconds since 1970-01-01T00:00:00Z, integer or decimal: date-times in UTC.
        case unixSeconds

        /// `auto`, `unix`, or a `DatePattern` such as `%m/%d/%Y`; throws for a bad pattern.
        public init(_ spelling: String) throws {
            switch spelling {
            case "auto": self = .auto
            case "unix": self = .unixSeconds
            default: self = .pattern(try DatePattern(spelling))
            }
        }

        /// The spelling `init(_:)` reads: `auto`, `unix` or the pattern.
        public var description: String {
            switch self {
            case .auto: return "auto"
            case .pattern(let pattern): return pattern.text
            case .unixSeconds: return "unix"
            }
        }
    }

    public var delimiter: Delimiter = .auto
    /// `,` as the decimal separator (and `.` as thousands separator in a number that also has
    /// a `,`). `nil` means: yes when the delimiter is `;`, otherwise no.
    public var decimalComma: Bool? = nil
    public var hasHeader: Bool = true
    public var time: TimeColumn = .auto
    /// Value columns to keep, in this order; `nil` keeps every column except the time column.
    /// Only kept columns must be numeric.
    public var columns: [ColumnSelector]? = nil
    /// Applied after reading; `nil` keeps missing cells as NaN (what `describe` does).
    /// The default `.error` fails on the first missing cell, naming it.
    public var missing: MissingPolicy? = .error
    /// Sort rows by time and drop duplicate times (keeping the first), with a warning, instead
    /// of failing on rows out of order. A file entirely in decreasing time order (newest first) is
    /// reversed, with a warning, either way.
    public var sortAndDeduplicate: Bool = false
    /// Cell texts read as missing, compared case-insensitively after trimming spaces.
    /// An empty cell is always missing.
    public var missingTokens: [String] = CSVOptions.defaultMissingTokens
    /// How the time column is written; `.auto` by default.
    public var dateFormat: DateFormat = .auto
    /// With `dateFormat == .auto`, the format to take when the values leave it open: when every
    /// value also fits another candidate, and for integers (which `.auto` otherwise reads as an
    /// index) when they fit it. A way to read a file the way an earlier one was read (a model's
    /// training file, see `Table.dateFormat`); ISO 8601 values are still read as ISO 8601.
    public var dateFormatHint: DateFormat? = nil

    public static let defaultMissingTokens = ["NA", "N/A", "NaN", "null", "None", "#N/A", "."]

    public init(
        delimiter: Delimiter = .auto,
        decimalComma: Bool? = nil,
        hasHeader: Bool = true,
        time: TimeColumn = .auto,
        columns: [ColumnSelector]? = nil,
        missing: MissingPolicy? = .error,
        sortAndDeduplicate: Bool = false,
        missingTokens: [String] = CSVOptions.defaultMissingTokens,
        dateFormat: DateFormat = .auto,
        dateFormatHint: DateFormat? = nil
    ) {
        self.delimiter = delimiter
        self.decimalComma = decimalComma
        self.hasHeader = hasHeader
        self.time = time
        self.columns = columns
        self.missing = missing
        self.sortAndDeduplicate = sortAndDeduplicate
        self.missingTokens = missingTokens
        self.dateFormat = dateFormat
        self.dateFormatHint = dateFormatHint
    }
}
