import Ingest
import Testing

/// Seconds since the epoch of an ISO 8601 date or date-time, as the reader stores it.
private func iso(_ text: String) throws -> Double {
    try TimeAxis(kind: .dateTime(.init()), values: []).parse(text)
}

private func options(_ format: String) throws -> CSVOptions {
    var options = CSVOptions()
    options.dateFormat = try CSVOptions.DateFormat(format)
    return options
}

/// `DatePattern` and `CSVOptions.dateFormat`: given patterns, Unix seconds, and the `.auto`
/// detection of the one reading that every row allows.
@Suite struct DateFormatTests {
    @Test("each directive reads what it says", arguments: [
        ("%m/%d/%Y", "04/19/2024", "2024-04-19"),
        ("%m/%d/%Y", "4/9/2024", "2024-04-09"),
        ("%d.%m.%Y", "19.04.2024", "2024-04-19"),
        ("%Y%m%d", "20240419", "2024-04-19"),
        ("%d/%m/%y", "19/04/24", "2024-04-19"),
        ("%d/%m/%y", "19/04/69", "1969-04-19"),
        ("%Y-%m", "2024-04", "2024-04-01"),
        ("%d-%b-%Y", "19-APR-2024", "2024-04-19"),
        ("%B %d, %Y", "September 3, 2024", "2024-09-03"),
        ("%b %d, %Y", "Sept 3, 2024", "2024-09-03"),
        ("%m/%d/%Y %H:%M", "04/19/2024 09:30", "2024-04-19T09:30:00"),
        ("%m/%d/%Y %H:%M", "04/19/2024   9:30", "2024-04-19T09:30:00"),
        ("%F %T", "2024-04-19 23:59:58", "2024-04-19T23:59:58"),
        ("%Y%m%d%H%M%S", "20240419093005", "2024-04-19T09:30:05"),
        ("%d.%m.%Y %%", " 19.04.2024 % ", "2024-04-19"),
    ])
    func patterns(format: String, text: String, expected: String) throws {
        let pattern = try DatePattern(format)
        #expect(pattern.seconds(text) == (try iso(expected)))
    }

    @Test("values of the wrong shape or naming no real day do not fit", arguments: [
        ("%m/%d/%Y", "2024-04-19"), ("%m/%d/%Y", "04/19/24"), ("%m/%d/%Y", "04/19/2024 09:30"),
        ("%m/%d/%Y", "13/01/2024"), ("%m/%d/%Y", "02/30/2024"), ("%m/%d/%Y", "04//2024"),
        ("%Y%m%d", "2024419"), ("%m/%d/%Y %H:%M", "04/19/2024 24:00"), ("%b %d %Y", "Foo 19 2024"),
    ])
    func misfits(format: String, text: String) throws {
        #expect(try DatePattern(format).seconds(text) == nil)
    }

    @Test func badPatternsAreOneLineErrors() {
        #expect(ingestErrorText { try DatePattern("%Y/%q") } == "date format \"%Y/%q\" has an unknown directive %q; use %Y %y %m %b %d %H %M %S (or %F, %T, %%)")
        #expect(ingestErrorText { try DatePattern("%Y%") } == "date format \"%Y%\" ends with a lone %; write %% for a percent sign")
        #expect(ingestErrorText { try DatePattern("%m/%d") } == "date format \"%m/%d\" has no year (%Y or %y)")
        #expect(ingestErrorText { try DatePattern("%Y %d") } == "date format \"%Y %d\" has a day (%d) but no month (%m or %b)")
        #expect(ingestErrorText { try DatePattern("%Y-%m-%d %M") } == "date format \"%Y-%m-%d %M\" has minutes (%M) without hours (%H), or seconds (%S) without minutes")
        #expect(ingestErrorText { try CSVOptions.DateFormat("%Y-%Y") } == "date format \"%Y-%Y\" reads the year twice")
    }

    @Test func spellings() throws {
        #expect(try CSVOptions.DateFormat("auto") == .auto)
        #expect(try CSVOptions.DateFormat("unix") == .unixSeconds)
        #expect(try CSVOptions.DateFormat("%d.%m.%Y").description == "%d.%m.%Y")
        #expect(try DatePattern("%d.%m.%Y %H:%M").example == "31.01.2024 14:30")
        #expect(try DatePattern("%d-%b-%y").example == "31-Jan-24")
    }

    @Test func givenPatternReadsEveryRow() throws {
        let table = try readCSV("date,v\n04/19/2024,1\n04/22/2024,2\n05/01/2024,3\n", options: options("%m/%d/%Y"))
        #expect(table.time.kind == .date)
        #expect(table.time.values == [try iso("2024-04-19"), try iso("2024-04-22"), try iso("2024-05-01")])
        #expect(table.timeString(at: 2) == "2024-05-01")
        #expect(table.dateFormat == .pattern(try DatePattern("%m/%d/%Y")))
        #expect(table.warnings.isEmpty)

        let times = try readCSV("v,time\n1,19.04.2024 09:30\n2,19.04.2024 10:00\n", options: options("%d.%m.%Y %H:%M"))
        #expect(times.timeName == "time")
        #expect(times.time.kind == .dateTime(.init(separator: "T", hasSeconds: false)))
        #expect(times.timeString(at: 1) == "2024-04-19T10:00")
    }

    @Test func badValuesNameTheirLineAndColumn() throws {
        let format = try options("%m/%d/%Y")
        #expect(ingestErrorText { try readCSV("date,v\n04/19/2024,1\n02/30/2024,2\n", options: format) }
            == "t.csv:3:1: \"02/30/2024\" is not a valid time stamp: day 30 does not exist in 2024-02")
        #expect(ingestErrorText { try readCSV("v,date\n1,04/19/2024\n2,2024-04-20\n", options: format) }
            == "t.csv:3:2: expected a date like \"04/19/2024\" (%m/%d/%Y, line 2), found \"2024-04-20\"")
        #expect(ingestErrorText { try readCSV("date,v\n2024-04-19,1\n", options: format) }
            == "t.csv:2:1: expected a date in the format %m/%d/%Y (like \"01/31/2024\") in time column \"date\", found \"2024-04-19\"")
        #expect(ingestErrorText { try readCSV("date,v\n13/19/2024,1\n", options: format) }
            == "t.csv:2:1: \"13/19/2024\" is not a valid time stamp: month 13 does not exist")
        #expect(ingestErrorText { try readCSV("date,v\n04/19/2024,1\nNA,2\n", options: format) }
            == "t.csv:3:1: missing time stamp")
    }

    @Test func unixSeconds() throws {
        let table = try readCSV("ts,v\n1713484800,1\n1713488400,2\n", options: options("unix"))
        #expect(table.time.values == [try iso("2024-04-19T00:00:00"), try iso("2024-04-19T01:00:00")])
        #expect(table.timeString(at: 1) == "2024-04-19T01:00:00Z")
        #expect(table.dateFormat == .unixSeconds)
        let fractional = try readCSV("ts,v\n1713484800.25,1\n1713484801.5,2\n", options: options("unix"))
        #expect(fractional.timeString(at: 0) == "2024-04-19T00:00:00.25Z")
        #expect(ingestErrorText { try readCSV("ts,v\n1713484800,1\n2024-04-19,2\n", options: options("unix")) }
            == "t.csv:3:1: expected Unix seconds like \"1713484800\" (line 2), found \"2024-04-19\"")
        #expect(ingestErrorText { try readCSV("time,v\n1e15,1\n", options: options("unix")) }
            == "t.csv:2:1: expected Unix seconds (like 1706711400) in time column \"time\", found \"1e15\"")
        // Without the option an integer column stays an index, as before.
        #expect(try readCSV("t,v\n1713484800,1\n1713488400,2\n").time.kind == .index)
    }

    @Test("auto: a value with one reading decides, and a note says which and where")
    func detection() throws {
        let us = try readCSV("Date,v\n04/19/2024,1\n04/22/2024,2\n")
        #expect(us.time.values == [try iso("2024-04-19"), try iso("2024-04-22")])
        #expect(us.dateFormat == .pattern(try DatePattern("%m/%d/%Y")))
        #expect(us.warnings == ["t.csv: dates in column \"Date\" read as %m/%d/%Y (month first), the only reading of \"04/19/2024\" on line 2"])

        // The first rows fit both orders; line 4 decides for day first.
        let eu = try readCSV("Date,v\n01/04/2024,1\n02/04/2024,2\n13/04/2024,3\n")
        #expect(eu.time.values == [try iso("2024-04-01"), try iso("2024-04-02"), try iso("2024-04-13")])
        #expect(eu.warnings == ["t.csv: dates in column \"Date\" read as %d/%m/%Y (day first), the only reading of \"13/04/2024\" on line 4"])

        // And here for month first, with a time of day.
        let times = try readCSV("time,v\n01/04/2024 10:00,1\n01/13/2024 10:00,2\n")
        #expect(times.timeString(at: 1) == "2024-01-13T10:00")
        #expect(times.dateFormat == .pattern(try DatePattern("%m/%d/%Y %H:%M")))

        let named = try readCSV("day,v\n\"Apr 19, 2024\",1\n\"Apr 22, 2024\",2\n")
        #expect(named.timeString(at: 0) == "2024-04-19")
        #expect(named.warnings == ["t.csv: dates in column \"day\" read as %b %d, %Y, the only reading of \"Apr 19, 2024\" on line 2"])

        // A file whose first column is unnamed as a time column is still found by its dates.
        #expect(try readCSV("Datum;Wert\n19.04.2024;1,5\n").timeName == "Datum")
        // A first line of dates is data, not a header, as it is with ISO 8601 dates.
        #expect(ingestErrorText { try readCSV("04/19/2024,1\n04/22/2024,2\n") }
            == "t.csv:1: expected a header line with column names, found data (\"04/19/2024\", \"1\")")
        // ISO 8601 stays on its own path, without a note.
        let plain = try readCSV("date,v\n2024-04-19,1\n")
        #expect(plain.dateFormat == nil && plain.warnings.isEmpty)
    }

    @Test("auto: when every value fits several readings, the error lists them")
    func ambiguity() {
        #expect(ingestErrorText { try readCSV("Date,v\n04/05/2024,1\n05/05/2024,2\n06/05/2024,3\n") }
            == "t.csv:2:1: every date in column \"Date\", like \"04/05/2024\", fits both %m/%d/%Y (month first) and %d/%m/%Y (day first); pass --date-format %m/%d/%Y or --date-format %d/%m/%Y")
        #expect(ingestErrorText { try readCSV("v,time\n1,04.05.2024 10:00\n") }
            == "t.csv:2:2: every date in column \"time\", like \"04.05.2024 10:00\", fits both %d.%m.%Y %H:%M (day first) and %m.%d.%Y %H:%M (month first); pass --date-format '%d.%m.%Y %H:%M' or --date-format '%m.%d.%Y %H:%M'")
        // A bad row does not count as evidence: it is reported once the format is chosen.
        #expect(ingestErrorText { try readCSV("Date,v\n04/05/2024,1\nsoon,2\n05/20/2024,3\n") }
            == "t.csv:3:1: expected a date like \"04/05/2024\" (%m/%d/%Y, line 2), found \"soon\"")
        // Values of no known shape still get the general message, now with the way out.
        #expect(ingestErrorText { try readCSV("date,v\n31|01|2020,1\n") }
            == "t.csv:2:1: expected an ISO 8601 date like 2020-01-31, a date-time like 2020-01-31T14:30:00 or an integer index in time column \"date\", found \"31|01|2020\"; for another format pass --date-format (e.g. %d.%m.%Y %H:%M)")
        #expect(ingestErrorText { try readCSV("date,v\n02/30/2024,1\n") }
            == "t.csv:2:1: \"02/30/2024\" is not a valid time stamp: day 30 does not exist in 2024-02 (read as %m/%d/%Y)")
    }

    @Test("auto: the hint settles what the values leave open, and nothing else")
    func hint() throws {
        var options = CSVOptions()
        options.dateFormatHint = try CSVOptions.DateFormat("%d/%m/%Y")
        let ambiguous = try readCSV("Date,v\n04/05/2024,1\n05/05/2024,2\n", options: options)
        #expect(ambiguous.time.values == [try iso("2024-05-04"), try iso("2024-05-05")])
        #expect(ambiguous.warnings == ["t.csv: dates in column \"Date\" read as %d/%m/%Y (day first), as the date-format hint says; every one also fits %m/%d/%Y (month first)"])
        // Values with one reading keep it; ISO 8601 stays ISO 8601.
        #expect(try readCSV("Date,v\n04/19/2024,1\n", options: options).dateFormat == .pattern(try DatePattern("%m/%d/%Y")))
        #expect(try readCSV("Date,v\n2024-04-19,1\n", options: options).dateFormat == nil)

        options.dateFormatHint = try CSVOptions.DateFormat("%Y%m%d")
        let compact = try readCSV("Date,v\n20240419,1\n20240420,2\n", options: options)
        #expect(compact.time.kind == .date && compact.timeString(at: 1) == "2024-04-20")
        options.dateFormatHint = .unixSeconds
        #expect(try readCSV("t,v\n1713484800,1\n", options: options).timeString(at: 0) == "2024-04-19T00:00:00Z")
    }

    @Test("a file entirely newest first is reversed, with a note")
    func newestFirst() throws {
        let table = try readCSV("date,v\n2020-01-03,3\n2020-01-02,2\n2020-01-01,1\n")
        #expect((0..<3).map(table.timeString) == ["2020-01-01", "2020-01-02", "2020-01-03"])
        #expect(table.columns[0] == [1, 2, 3])
        #expect(table.sourceLines == [4, 3, 2])
        #expect(table.warnings == ["t.csv: rows were newest first (2020-01-03 on line 2 to 2020-01-01 on line 4); reversed to oldest first"])
        // The same with sort-and-deduplicate: the reversal is the whole story.
        var sorting = CSVOptions()
        sorting.sortAndDeduplicate = true
        #expect(try readCSV("date,v\n2020-01-03,3\n2020-01-02,2\n2020-01-01,1\n", options: sorting).warnings == table.warnings)
        // A repeated time or any other disorder is still an error.
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-03,3\n2020-01-02,2\n2020-01-02,1\n") }
            == "t.csv:4:1: duplicate time 2020-01-02 (also 2020-01-02 on line 3); times must be unique (or drop the repeats: --sort)")
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n") }
            == "t.csv:3:1: time 2020-01-01 comes after 2020-01-03 on line 2; rows must be in increasing time order (or sort them: --sort)")
        // Missing values are filled in time order, after the reversal.
        var ffill = CSVOptions()
        ffill.missing = .ffill
        #expect(try readCSV("date,v\n2020-01-03,\n2020-01-02,2\n2020-01-01,1\n", options: ffill).columns[0] == [1, 2, 2])
    }
}
