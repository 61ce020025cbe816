/// Decides, from the header and the first data row, which field is the time, what kind of
/// time it holds and which fields become columns.
enum CSVLayout {
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// The header's name for a field, or `column N` (1-based) where it has none.
    static func columnName(_ header: [String], _ field: Int) -> String {
        field < header.count && !header[field].isEmpty ? header[field] : "column \(field + 1)"
    }

    static func plan(header rawHeader: [String]?, firstData: [String], firstDataLine: Int, name: String, options: CSVOptions) throws -> CSVPlan {
        let header = rawHeader?.map(trimmed) ?? []
        let fieldCount = rawHeader?.count ?? firstData.count
        let names = (0..<fieldCount).map { columnName(header, $0) }
        let listing = names.joined(separator: ", ")

        if rawHeader != nil, header.allSatisfy({ looksLikeValue($0) }) {
            throw IngestError(file: name, line: firstDataLine - 1,
                              "expected a header line with column names, found data (\(header.map(IngestError.quote).joined(separator: ", ")))")
        }

        func field(named wanted: String, role: String) throws -> Int {
            if let index = names.firstIndex(of: wanted) { return index }
            throw IngestError(file: name, "no column named \(IngestError.quote(wanted))\(role); columns are: \(listing)")
        }
        func field(at index: Int, role: String) throws -> Int {
            guard index >= 0 && index < fieldCount else {
                throw IngestError(file: name, "no column at index \(index)\(role): the file has \(fieldCount) columns (0-based indices 0...\(fieldCount - 1))")
            }
            return index
        }

        var timeField: Int?
        var timeKind = CSVPlan.TimeKind.rowNumber
        switch options.time {
        case .rowNumber:
            timeField = nil
        case .name(let wanted):
            timeField = try field(named: wanted, role: " for the time")
        case .index(let index):
            timeField = try field(at: index, role: " for the time")
        case .auto:
            if let index = header.firstIndex(where: { CSVReader.timeColumnNames.contains($0.lowercased()) }) {
                timeField = index
            } else if fieldCount > 0, case .success = timestamp(firstData[0]) {
                timeField = 0
            } else if fieldCount > 0, !header.isEmpty, header[0].isEmpty, integer(firstData[0]) != nil {
                timeField = 0
            } else {
                throw IngestError(file: name, "no time column found (none is named date, time, timestamp, ... and the first column holds no dates); choose one by name or index, or use row numbers; columns are: \(listing)")
            }
        }
        var exampleTime = ""
        if let timeField {
            guard timeField < firstData.count else {
                throw IngestError(file: name, line: firstDataLine, "expected \(fieldCount) fields as in the header, found \(firstData.count)")
            }
            exampleTime = trimmed(firstData[timeField])
            switch timestamp(exampleTime) {
            case .success(let parsed):
                timeKind = parsed.hasTime ? .dateTime(zoned: parsed.zone != .none) : .date
            case .invalid(let reason):
                throw IngestError(file: name, line: firstDataLine, column: timeField + 1,
                                  "\(IngestError.quote(exampleTime)) is not a valid time stamp: \(reason)")
            case .notATimestamp:
                guard integer(exampleTime) != nil else {
                    throw IngestError(file: name, line: firstDataLine, column: timeField + 1,
                                      "expected an ISO 8601 date like 2020-01-31, a date-time like 2020-01-31T14:30:00 or an integer index in time column \(IngestError.quote(names[timeField])), found \(IngestError.quote(exampleTime))")
                }
                timeKind = .index
            }
        }

        var valueFields: [Int]
        if let selectors = options.columns {
            valueFields = try selectors.map { selector in
                switch selector {
                case .name(let wanted): return try field(named: wanted, role: "")
                case .index(let index): return try field(at: index, role: "")
                }
            }
            var seen = Set<Int>()
            for field in valueFields {
                if field == timeField {
                    throw IngestError(file: name, "column \(IngestError.quote(names[field])) is the time column; it cannot also be a value column")
                }
                if !seen.insert(field).inserted {
                    throw IngestError(file: name, "column \(IngestError.quote(names[field])) is selected twice")
                }
            }
        } else {
            valueFields = (0..<fieldCount).filter { $0 != timeField }
        }
        // One pass with a dictionary: a header of 100,000 columns must not cost 10¹⁰ comparisons.
        var firstField: [String: Int] = [:]
        var duplicate: [Int: Int] = [:]   // field → another field of the same name
        for (field, n) in names.enumerated() {
            if let first = firstField[n] {
                duplicate[field] = first
                if duplicate[first] == nil { duplicate[first] = field }
            } else {
                firstField[n] = field
            }
        }
        let used = (timeField.map { [$0] } ?? []) + valueFields
        for field in used {
            if let other = duplicate[field] {
                throw IngestError(file: name, "column name \(IngestError.quote(names[field])) appears twice in the header (fields \(min(field, other) + 1) and \(max(field, other) + 1))")
            }
        }
        return CSVPlan(
            fieldCount: fieldCount, timeField: timeField, timeKind: timeKind, valueFields: valueFields,
            headerFields: rawHeader == nil ? [] : header.map { Array($0.utf8) },
            decimalComma: false, missingTokens: options.missingTokens,
            exampleTime: exampleTime, exampleLine: firstDataLine)
    }

    static func timestamp(_ text: String) -> TimestampParser.Result {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return .notATimestamp }
        return bytes.withUnsafeMutableBufferPointer { TimestampParser.parse($0.baseAddress!, $0.count) }
    }

    static func integer(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeMutableBufferPointer { TimestampParser.parseInteger($0.baseAddress!, $0.count) }
    }

    private static func looksLikeValue(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return false }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            if NumberParser.parse(buffer.baseAddress!, buffer.count, decimalComma: false) != nil { return true }
            if case .success = TimestampParser.parse(buffer.baseAddress!, buffer.count) { return true }
            return false
        }
    }
}
