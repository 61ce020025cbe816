/// A time-indexed numeric table: one time axis and named `Double` columns, NaN for missing.
///
/// Rows are in strictly increasing time order (`CSVReader` guarantees it). Each row remembers
/// the source line it came from and each column the field position it came from, so later
/// stages can still point at the file in their error messages.
public struct Table: Sendable, Equatable {
    /// Display name of the source, used in error messages.
    public var source: String
    public var timeName: String
    public var time: TimeAxis
    public var columnNames: [String]
    /// `columns[j][i]` is column `j` at row `i`.
    public var columns: [[Double]]
    /// 1-based source line of each row (0 for rows that did not come from a file).
    public var sourceLines: [Int]
    /// 1-based field position in the source of each column (0 for derived columns).
    public var sourceFields: [Int]
    /// Things the reader tolerated but the user should know (skipped repeated headers,
    /// re-sorted rows, filled values). The library never prints them.
    public var warnings: [String]
    /// What the missing-value policy did, when `CSVReader` applied one.
    public var missingReport: MissingReport?
    /// How `CSVReader` read the time column when it was neither ISO 8601 nor an integer index
    /// (`.pattern` or `.unixSeconds`, given or detected); nil otherwise. Passing it back as
    /// `CSVOptions.dateFormatHint` reads a later file of the same source the same way.
    public var dateFormat: CSVOptions.DateFormat?

    public init(
        source: String = "table", timeName: String, time: TimeAxis, columnNames: [String], columns: [[Double]],
        sourceLines: [Int]? = nil, sourceFields: [Int]? = nil, warnings: [String] = []
    ) throws {
        guard columnNames.count == columns.count else {
            throw IngestError(file: source, "\(columnNames.count) column names for \(columns.count) columns")
        }
        for (name, column) in zip(columnNames, columns) where column.count != time.count {
            throw IngestError(file: source, "column \(IngestError.quote(name)) has \(column.count) rows, the time axis \(time.count)")
        }
        if let sourceLines, sourceLines.count != time.count {
            throw IngestError(file: source, "\(sourceLines.count) source lines for \(time.count) rows")
        }
        if let sourceFields, sourceFields.count != columns.count {
            throw IngestError(file: source, "\(sourceFields.count) source fields for \(columns.count) columns")
        }
        if !time.utcOffsets.isEmpty && time.utcOffsets.count != time.count {
            throw IngestError(file: source, "\(time.utcOffsets.count) UTC offsets for \(time.count) time stamps")
        }
        if let duplicate = Table.firstDuplicate(columnNames) {
            throw IngestError(file: source, "column name \(IngestError.quote(duplicate)) appears twice")
        }
        self.source = source
        self.timeName = timeName
        self.time = time
        self.columnNames = columnNames
        self.columns = columns
        self.sourceLines = sourceLines ?? Array(repeating: 0, count: time.count)
        self.sourceFields = sourceFields ?? Array(repeating: 0, count: columns.count)
        self.warnings = warnings
        self.missingReport = nil
        self.dateFormat = nil
    }

    static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { return name }
        return nil
    }

    public var rowCount: Int { time.count }
    public var columnCount: Int { columns.count }

    /// Index of the column called `name` (exact match).
    public func columnIndex(named name: String) throws -> Int {
        guard let index = columnNames.firstIndex(of: name) else {
            throw IngestError(file: source, "no column named \(IngestError.quote(name)); columns are: \(columnNames.joined(separator: ", "))")
        }
        return index
    }

    /// The values of the column called `name`.
    public func column(named name: String) throws -> [Double] {
        columns[try columnIndex(named: name)]
    }

    /// Row `i`'s time stamp as the file wrote it (`2012-01-03`, `2000-06-05T00:30:00`, `17`).
    public func timeString(at i: Int) -> String { time.string(at: i) }

    /// Number of NaN cells in each column.
    public var missingCounts: [Int] {
        columns.map { column in column.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }
    }

    /// Total number of NaN cells.
    public var missingCount: Int { missingCounts.reduce(0, +) }

    /// The rows at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> Table {
        var copy = self
        copy.time.values = indices.map { time.values[$0] }
        if !time.utcOffsets.isEmpty { copy.time.utcOffsets = indices.map { time.utcOffsets[$0] } }
        copy.columns = columns.map { column in indices.map { column[$0] } }
        copy.sourceLines = indices.map { sourceLines[$0] }
        return copy
    }

    /// The rows in `range`.
    public func slicingRows(_ range: Range<Int>) -> Table {
        selectingRows(Array(range))
    }

    /// The columns called `names`, in that order.
    public func selectingColumns(_ names: [String]) throws -> Table {
        let indices = try names.map { try columnIndex(named: $0) }
        var copy = self
        copy.columnNames = indices.map { columnNames[$0] }
        copy.columns = indices.map { columns[$0] }
        copy.sourceFields = indices.map { sourceFields[$0] }
        return copy
    }

    /// Adds a column computed elsewhere (e.g. a calendar feature).
    public mutating func appendColumn(named name: String, values: [Double]) throws {
        guard values.count == rowCount else {
            throw IngestError(file: source, "column \(IngestError.quote(name)) has \(values.count) rows, the table \(rowCount)")
        }
        guard !columnNames.contains(name) && name != timeName else {
            throw IngestError(file: source, "column name \(IngestError.quote(name)) is already used")
        }
        columnNames.append(name)
        columns.append(values)
        sourceFields.append(0)
    }

    /// `file:line:column` prefix pointing at cell (row, column), as an error.
    func cellError(row: Int, column: Int, _ message: String) -> IngestError {
        let line = sourceLines[row]
        let field = sourceFields[column]
        return IngestError(file: source, line: line > 0 ? line : nil, column: line > 0 && field > 0 ? field : nil, message)
    }
}
