import Ingest
import Testing

/// Real-export quirks the reader must take in stride.
@Suite struct CSVFormatTests {
    @Test func bomCRLFQuotesAndMissingTokens() throws {
        let text = "\u{FEFF}Date,Open,Volume\r\n2020-01-01,1.5,\"64,731,500\"\r\n2020-01-02,NA,\"1,000\"\r\n2020-01-03,n/a,null\r\n2020-01-06, . ,None\r\n2020-01-07,,#N/A\r\n2020-01-08,NaN,\"\"\r\n"
        let table = try readCSV(text, options: keepMissing)
        #expect(table.timeName == "Date")
        #expect(table.columnNames == ["Open", "Volume"])
        #expect(table.columns[0][0] == 1.5)
        #expect(table.columns[1][0] == 64_731_500)
        #expect(table.columns[1][1] == 1000)
        #expect(table.missingCounts == [5, 4])
        #expect(table.sourceLines == [2, 3, 4, 5, 6, 7])
    }

    @Test func blankLinesAndMissingFinalNewlineAreFine() throws {
        let table = try readCSV("date,v\n\n2020-01-01,1\n\n2020-01-02,2\n\n\n")
        #expect(table.columns[0] == [1, 2])
        #expect(table.sourceLines == [3, 5])
        let unterminated = try readCSV("date,v\r\n2020-01-01,1\r\n2020-01-02,2")
        #expect(unterminated.columns[0] == [1, 2])
        #expect(unterminated.sourceLines == [2, 3])
    }

    /// A long header over short rows makes the row estimate far too small: columns grow.
    @Test func columnsGrowPastTheRowEstimate() throws {
        let text = "t,a_rather_long_column_name_for_the_estimate,b\n" + (0..<5000).map { "\($0),\($0 % 10),-\($0)" }.joined(separator: "\n")
        let table = try readCSV(text)
        #expect(table.rowCount == 5000)
        #expect(table.columns[0] == (0..<5000).map { Double($0 % 10) })
        #expect(table.columns[1] == (0..<5000).map { -Double($0) })
        #expect(table.sourceLines.last == 5001)
    }

    @Test func thousandsSeparatorsMustBeGroupsOfThree() {
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,\"1,23,456\"\n") }
            == "t.csv:2:2: expected a number, found \"1,23,456\"")
    }

    @Test func semicolonWithDecimalComma() throws {
        let table = try readCSV("Datum;Wert;Menge\n2020-01-01;1,5;\"1.234,25\"\n2020-01-02;-0,25;7\n")
        #expect(table.columnNames == ["Wert", "Menge"])
        #expect(table.columns[0] == [1.5, -0.25])
        #expect(table.columns[1] == [1234.25, 7])
    }

    @Test func delimiterDetectedAfterLeadingBlankLines() throws {
        let table = try readCSV("\n\ndate;v\n2020-01-01;2,5\n")
        #expect(table.columns[0] == [2.5])
        #expect(table.sourceLines == [4])
    }

    @Test func tabDelimiterDetected() throws {
        let table = try readCSV("date\ta\tb\n2020-01-01\t1\t 2 \n2020-01-02\t3e2\t-4.5E-1\n")
        #expect(table.columnNames == ["a", "b"])
        #expect(table.columns[0] == [1, 300])
        #expect(table.columns[1] == [2, -0.45])
    }

    @Test func explicitDelimiterOverridesDetection() {
        var options = CSVOptions()
        options.delimiter = .semicolon
        #expect(ingestErrorText { try readCSV("date,a\n2020-01-01,1\n", options: options) }
            == "t.csv: no time column found (none is named date, time, timestamp, ... and the first column holds no dates); choose one by name or index, or use row numbers; columns are: date,a")
    }

    @Test func numbersParseExactly() throws {
        let values = ["0.1", "-0.0", "123456789012345678", "1e-7", "2.5e+3", "0.30000000000000004", "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", "4.9e-324", ".5", "7."]
        let text = "date,v\n" + values.enumerated().map { "2020-01-\(10 + $0.offset),\($0.element)" }.joined(separator: "\n")
        let table = try readCSV(text)
        #expect(table.columns[0] == values.map { Double($0 == "7." ? "7" : $0)! })
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,1e999\n") } == "t.csv:2:2: expected a number, found \"1e999\"")
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,inf\n") } == "t.csv:2:2: expected a number, found \"inf\"")
    }

    @Test func dateTimesKeepTheirStyle() throws {
        let table = try readCSV("timestamp,v\n2020-03-01 09:30,1\n2020-03-01 10:00,2\n")
        #expect(table.timeString(at: 1) == "2020-03-01 10:00")
        let utc = try readCSV("timestamp,v\n2020-03-01T09:30:00Z,1\n2020-03-01T10:00:00.250Z,2\n")
        #expect(utc.timeString(at: 0) == "2020-03-01T09:30:00.000Z")
        #expect(utc.timeString(at: 1) == "2020-03-01T10:00:00.250Z")
        #expect(utc.time.values[1] - utc.time.values[0] == 1800.25)
        let zoned = try readCSV("timestamp,v\n2020-03-29T01:30:00+01:00,1\n2020-03-29T03:30:00+02:00,2\n")
        #expect(zoned.time.values[1] - zoned.time.values[0] == 3600)
        #expect(zoned.timeString(at: 0) == "2020-03-29T01:30:00+01:00")
        #expect(zoned.timeString(at: 1) == "2020-03-29T03:30:00+02:00")
        #expect(zoned.time.values[0] == 1_585_441_800)
        #expect(ingestErrorText { try readCSV("timestamp,v\n2020-03-01T09:30:00Z,1\n2020-03-01T10:00:00,2\n") }
            == "t.csv:3:1: expected a date-time like \"2020-03-01T09:30:00Z\" (line 2), found \"2020-03-01T10:00:00\"")
    }

    @Test func columnSelectionByNameAndIndex() throws {
        var options = CSVOptions()
        options.columns = ["c", 1]
        let table = try readCSV("ticker,a,c,date\nMSFT,1,2,2020-01-01\nMSFT,3,4,2020-01-02\n", options: options)
        #expect(table.timeName == "date")
        #expect(table.columnNames == ["c", "a"])
        #expect(table.columns == [[2, 4], [1, 3]])
        #expect(table.sourceFields == [3, 2])
        options.columns = ["date"]
        #expect(ingestErrorText { try readCSV("ticker,a,c,date\nMSFT,1,2,2020-01-01\n", options: options) }
            == "t.csv: column \"date\" is the time column; it cannot also be a value column")
    }

    @Test func rowNumbersAndNoHeader() throws {
        var options = CSVOptions()
        options.time = .rowNumber
        options.hasHeader = false
        let table = try readCSV("1,2\n3,4\n5,6\n", options: options)
        #expect(table.columnNames == ["column 1", "column 2"])
        #expect(table.time.values == [0, 1, 2])
        #expect(table.columns == [[1, 3, 5], [2, 4, 6]])
        #expect(table.sourceLines == [1, 2, 3])
    }

    @Test func pandasIndexColumnWithEmptyName() throws {
        let table = try readCSV(",load\n0,1.5\n1,2.5\n")
        #expect(table.time.kind == .index)
        #expect(table.timeName == "column 1")
        #expect(table.columns[0] == [1.5, 2.5])
    }

    /// Files over 4 MiB are parsed in parallel chunks; the result, line numbers included,
    /// must be the same as reading it in one piece, even with quoted newlines in a text column.
    @Test func chunkedParseMatchesLineNumbers() throws {
        var text = "date,value,note\n"
        var line = 2
        var expectedLines: [Int] = []
        var day = 0
        while text.utf8.count < 9 << 20 {
            let note = day % 7 == 0 ? "\"multi\nline \"\"quoted\"\", text\"" : "plain"
            text += "\(day),\(Double(day) * 0.5),\(note)\n"
            expectedLines.append(line)
            line += day % 7 == 0 ? 2 : 1
            day += 1
        }
        var options = CSVOptions()
        options.columns = ["value"]
        let table = try readCSV(text, options: options)
        #expect(table.rowCount == day)
        #expect(table.sourceLines == expectedLines)
        #expect(table.columns[0] == (0..<day).map { Double($0) * 0.5 })
        // An error late in the file carries its absolute line number.
        let broken = text + "\(day),oops,plain\n"
        #expect(ingestErrorText { try readCSV(broken, options: options) } == "t.csv:\(line):2: expected a number, found \"oops\"")
    }
}
