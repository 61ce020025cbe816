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

        if rawHeader != nil, header.allSatisfy({ looksLikeValue($0, options) }) {
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
            } else if fieldCount > 0, looksLikeTime(trimmed(firstData[0]), options) {
                timeField = 0
            } else if fieldCount > 0, !header.isEmpty, header[0].isEmpty, integer(firstData[0]) != nil {
                timeField = 0
            } else {
                throw IngestError(file: name, "no time column found (none is named date, time, timestamp, ... and the first column holds no dates); choose one by name or index, or use row numbers; columns are: \(listing)")
            }
        }
        var exampleTime = ""
        var reading = TimeReading()
        if let timeField {
            guard timeField < firstData.count else {
                throw IngestError(file: name, line: firstDataLine, "expected \(fieldCount) fields as in the header, found \(firstData.count)")
            }
            exampleTime = trimmed(firstData[timeField])
            reading = try timeReading(exampleTime, options: options, name: name, line: firstDataLine, column: timeField + 1,
                                      columnName: names[timeField])
            timeKind = reading.kind
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
        var plan = CSVPlan(
            fieldCount: fieldCount, timeField: timeField, timeKind: timeKind, valueFields: valueFields,
            headerFields: rawHeader == nil ? [] : header.map { Array($0.utf8) },
            decimalComma: false, missingTokens: options.missingTokens,
            exampleTime: exampleTime, exampleLine: firstDataLine)
        plan.unixSeconds = reading.unixSeconds
        plan.patternCandidates = reading.candidates
        plan.hintedPattern = reading.hinted
        plan.timeNote = reading.note
        if let pattern = reading.pattern { plan.use(pattern) }
        return plan
    }

    /// How a time column is to be read, decided from its first value.
    struct TimeReading {
        var kind = CSVPlan.TimeKind.rowNumber
        var pattern: DatePattern?
        var unixSeconds = false
        /// Several patterns fit the first value; the other rows must decide.
        var candidates: [DatePattern] = []
        var hinted: DatePattern?
        var note: String?
    }

    /// Whether the first field's first value is a time stamp under `options` (no time column
    /// was named).
    static func looksLikeTime(_ text: String, _ options: CSVOptions) -> Bool {
        switch options.dateFormat {
        case .pattern(let pattern): return pattern.seconds(text) != nil
        case .unixSeconds: return TimestampParser.unixSeconds(text) != nil
        case .auto:
            if case .success = timestamp(text) { return true }
            return integer(text) == nil && !autoCandidates(text, hint: options.dateFormatHint).isEmpty
        }
    }

    /// The patterns an `.auto` value that is not ISO 8601 fits: the hint's first.
    static func autoCandidates(_ text: String, hint: CSVOptions.DateFormat?) -> [DatePattern] {
        var fitting: [DatePattern] = []
        if case .pattern(let pattern)? = hint, pattern.seconds(text) != nil { fitting.append(pattern) }
        for candidate in DatePattern.candidates where !fitting.contains(candidate) && candidate.seconds(text) != nil {
            fitting.append(candidate)
        }
        return fitting
    }

    /// How the time column is read, from its first value `text` (on `line`, in field `column`)
    /// under `options`; throws, naming that cell, where `text` has no reading.
    static func timeReading(_ text: String, options: CSVOptions, name: String, line: Int, column: Int,
                            columnName: String) throws -> TimeReading {
        var reading = TimeReading()
        func invalid(_ reason: String) -> IngestError {
            IngestError(file: name, line: line, column: column, "\(IngestError.quote(text)) is not a valid time stamp: \(reason)")
        }
        switch options.dateFormat {
        case .pattern(let pattern):
            switch pattern.parse(text) {
            case .success: reading.pattern = pattern
            case .invalid(let reason): throw invalid(reason)
            case .notATimestamp:
                throw IngestError(file: name, line: line, column: column,
                                  "expected a \(pattern.hasTime ? "date-time" : "date") in the format \(pattern) (like \(IngestError.quote(pattern.example))) in time column \(IngestError.quote(columnName)), found \(IngestError.quote(text))")
            }
        case .unixSeconds:
            guard TimestampParser.unixSeconds(text) != nil else {
                throw IngestError(file: name, line: line, column: column,
                                  "expected Unix seconds (like 1706711400) in time column \(IngestError.quote(columnName)), found \(IngestError.quote(text))")
            }
            reading.kind = .dateTime(zoned: false)
            reading.unixSeconds = true
        case .auto:
            switch timestamp(text) {
            case .success(let parsed):
                reading.kind = parsed.hasTime ? .dateTime(zoned: parsed.zone != .none) : .date
            case .invalid(let reason):
                throw invalid(reason)
            case .notATimestamp:
                let hint = options.dateFormatHint
                if integer(text) != nil {
                    // An integer is an index unless the hint says how to read it as a time.
                    if case .unixSeconds? = hint, TimestampParser.unixSeconds(text) != nil {
                        reading.kind = .dateTime(zoned: false)
                        reading.unixSeconds = true
                        reading.note = "\(name): integers in time column \(IngestError.quote(columnName)) read as Unix seconds, as the date-format hint says"
                    } else if case .pattern(let pattern)? = hint, pattern.seconds(text) != nil {
                        reading.pattern = pattern
                        reading.note = "\(name): dates in column \(IngestError.quote(columnName)) read as \(pattern), as the date-format hint says"
                    } else {
                        reading.kind = .index
                    }
                    return reading
                }
                let candidates = autoCandidates(text, hint: hint)
                guard !candidates.isEmpty else {
                    // A value of a known shape that names no real day says so rather than "expected ISO 8601".
                    for candidate in DatePattern.candidates {
                        if case .invalid(let reason) = candidate.parse(text) { throw invalid("\(reason) (read as \(candidate))") }
                    }
                    throw IngestError(file: name, line: line, column: column,
                                      "expected an ISO 8601 date like 2020-01-31, a date-time like 2020-01-31T14:30:00 or an integer index in time column \(IngestError.quote(columnName)), found \(IngestError.quote(text)); for another format pass --date-format (e.g. %d.%m.%Y %H:%M)")
                }
                if case .pattern(let pattern)? = hint, pattern == candidates[0] { reading.hinted = pattern }
                reading.candidates = candidates
                reading.kind = candidates[0].hasTime ? .dateTime(zoned: false) : .date
            }
        }
        return reading
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

    /// A number or a time stamp (as the options would read one): what a header cell is not.
    private static func looksLikeValue(_ text: String, _ options: CSVOptions) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return false }
        let number = bytes.withUnsafeMutableBufferPointer { buffer in
            NumberParser.parse(buffer.baseAddress!, buffer.count, decimalComma: false) != nil
        }
        return number || looksLikeTime(text, options)
    }
}
