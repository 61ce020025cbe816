import Foundation
import Ingest
import Testing

/// Each kind of broken file gets its own one-line error naming file, line and field.
@Suite struct MalformedInputTests {
    @Test func unterminatedQuote() {
        let text = "date,value,note\n2020-01-01,1,\"fine\"\n2020-01-02,2,\"never closed\n2020-01-03,3,x\n"
        var options = CSVOptions()
        options.columns = ["value"]
        #expect(ingestErrorText { try readCSV(text, options: options) }
            == "t.csv:3:3: unterminated quoted field: the closing quote (\") is missing")
    }

    @Test func misplacedQuote() {
        let text = "date,value\n2020-01-01,1\n2020-01-02,12\"5\n"
        #expect(ingestErrorText { try readCSV(text) }
            == "t.csv:3:2: misplaced quote: a quoted field must be wholly quoted, with inner quotes doubled (\"\")")
    }

    @Test func raggedRows() {
        #expect(ingestErrorText { try readCSV("date,a,b\n2020-01-01,1,2\n2020-01-02,3,4,5\n") }
            == "t.csv:3: expected 3 fields as in the header, found 4")
        #expect(ingestErrorText { try readCSV("date,a,b\n2020-01-01,1,2\n2020-01-02,3\n") }
            == "t.csv:3: expected 3 fields as in the header, found 2")
    }

    @Test func textInNumericColumn() {
        let text = "date,sunspots\n" + (1...212).map { "17\(49 + $0 / 12)-\(String(format: "%02d", $0 % 12 + 1))-01,\($0)" }.joined(separator: "\n") + "\n1767-10-01,\"12,x\"\n"
        #expect(ingestErrorText { try readCSV(text, name: "sunspots.csv") }
            == "sunspots.csv:214:2: expected a number, found \"12,x\"")
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,abc\n") }
            == "t.csv:2:2: expected a number, found \"abc\"")
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,\"1,5\"\n") }
            == "t.csv:2:2: expected a number, found \"1,5\" (a decimal comma? set the decimal-comma option)")
    }

    @Test func emptyFile() {
        #expect(ingestErrorText { try readCSV("") } == "t.csv: empty file: expected a header line and data rows")
        #expect(ingestErrorText { try readCSV("\n\r\n  \n") } == "t.csv: empty file: expected a header line and data rows")
    }

    @Test func headerOnly() {
        #expect(ingestErrorText { try readCSV("date,value\n") } == "t.csv: header only: no data rows after the header on line 1")
        #expect(ingestErrorText { try readCSV("date,value\r\n\r\n") } == "t.csv: header only: no data rows after the header on line 1")
    }

    @Test func unknownColumnName() {
        var options = CSVOptions()
        options.columns = ["Clsoe"]
        #expect(ingestErrorText { try readCSV("date,Open,Close\n2020-01-01,1,2\n", options: options) }
            == "t.csv: no column named \"Clsoe\"; columns are: date, Open, Close")
        options.columns = nil
        options.time = .name("when")
        #expect(ingestErrorText { try readCSV("date,Open,Close\n2020-01-01,1,2\n", options: options) }
            == "t.csv: no column named \"when\" for the time; columns are: date, Open, Close")
        options.time = .auto
        options.columns = [7]
        #expect(ingestErrorText { try readCSV("date,Open,Close\n2020-01-01,1,2\n", options: options) }
            == "t.csv: no column at index 7: the file has 3 columns (0-based indices 0...2)")
        let table = try? readCSV("date,Open,Close\n2020-01-01,1,2\n")
        #expect(ingestErrorText { try table!.column(named: "Volume") }
            == "t.csv: no column named \"Volume\"; columns are: Open, Close")
    }

    @Test func nonMonotonicTime() {
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,1\n2020-01-03,2\n2020-01-02,3\n") }
            == "t.csv:4:1: time 2020-01-02 comes after 2020-01-03 on line 3; rows must be in increasing time order (or sort them: --sort)")
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n") }
            == "t.csv:4:1: duplicate time 2020-01-02 (also 2020-01-02 on line 3); times must be unique (or drop the repeats: --sort)")
    }

    @Test func sortAndDeduplicateOnRequest() throws {
        var options = CSVOptions()
        options.sortAndDeduplicate = true
        let table = try readCSV("date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n2020-01-01,9\n", options: options)
        #expect((0..<3).map(table.timeString) == ["2020-01-01", "2020-01-02", "2020-01-03"])
        #expect(table.columns[0] == [1, 2, 3])
        #expect(table.sourceLines == [3, 4, 2])
        #expect(table.warnings == [
            "t.csv: rows were not in time order and have been sorted",
            "t.csv: dropped 1 row repeating an earlier time (first on line 5, 2020-01-01)",
        ])
    }

    @Test func unparseableDate() {
        #expect(ingestErrorText { try readCSV("date,v\n2020-01-01,1\n2020/01/02,2\n") }
            == "t.csv:3:1: expected an ISO 8601 date like \"2020-01-01\" (line 2), found \"2020/01/02\"")
        #expect(ingestErrorText { try readCSV("date,v\n2021-02-28,1\n2021-02-30,2\n") }
            == "t.csv:3:1: \"2021-02-30\" is not a valid time stamp: day 30 does not exist in 2021-02")
        #expect(ingestErrorText { try readCSV("date,v\nJan 31st 2020,1\n") }
            == "t.csv:2:1: expected an ISO 8601 date like 2020-01-31, a date-time like 2020-01-31T14:30:00 or an integer index in time column \"date\", found \"Jan 31st 2020\"; for another format pass --date-format (e.g. %d.%m.%Y %H:%M)")
        #expect(ingestErrorText { try readCSV("time,v\n2020-01-01T10:00:00,1\n2020-01-01,2\n") }
            == "t.csv:3:1: expected a date-time like \"2020-01-01T10:00:00\" (line 2), found \"2020-01-01\"")
    }

    @Test func binaryFile() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        #expect(ingestErrorText { try CSVReader.read(bytes: png, name: "chart.png") }
            == "chart.png: binary data, not CSV text (invalid UTF-8 at offset 0 of line 1)")
        let zip: [UInt8] = Array("PK\u{03}\u{04}".utf8) + [0x14, 0, 0x06, 0]
        #expect(ingestErrorText { try CSVReader.read(bytes: zip, name: "book.xlsx") }
            == "book.xlsx: binary data, not CSV text (byte 0x03 at offset 2 of line 1)")
    }

    @Test func nulLineAtTheEnd() {
        let bytes = Array("date,v\n2020-01-01,1\n2020-01-02,2\n".utf8) + [0, 0, 0, 0, 0x0A]
        #expect(ingestErrorText { try CSVReader.read(bytes: bytes, name: "t.csv") }
            == "t.csv:4: line of NUL bytes: the file is truncated or padded with zeros")
        let inline = Array("date,v\n2020-01-01,1\n2020-01-02,".utf8) + [0x32, 0]
        #expect(ingestErrorText { try CSVReader.read(bytes: inline, name: "t.csv") }
            == "t.csv:3: NUL byte at character 13: not CSV text (truncated or corrupt file?)")
    }

    @Test func headerThatIsData() {
        #expect(ingestErrorText { try readCSV("2020-01-01,1\n2020-01-02,2\n") }
            == "t.csv:1: expected a header line with column names, found data (\"2020-01-01\", \"1\")")
    }

    @Test func missingFile() {
        #expect(ingestErrorText { try CSVReader.read(path: "/nonexistent/prices.csv") }
            == "/nonexistent/prices.csv: cannot open: no such file")
        #expect(ingestErrorText { try CSVReader.read(path: NSTemporaryDirectory()) }?.hasSuffix("is a directory, not a CSV file") == true)
    }

    @Test func noTimeColumn() {
        #expect(ingestErrorText { try readCSV("a,b\n1,2\n") }
            == "t.csv: no time column found (none is named date, time, timestamp, ... and the first column holds no dates); choose one by name or index, or use row numbers; columns are: a, b")
    }

    @Test func duplicateColumnName() {
        #expect(ingestErrorText { try readCSV("date,a,a\n2020-01-01,1,2\n") }
            == "t.csv: column name \"a\" appears twice in the header (fields 2 and 3)")
    }
}
