import Foundation
import Ingest
import Testing

/// Absolute path of a file in Tests/BrokerExports.
func brokerExportPath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("BrokerExports").appendingPathComponent(name).path
}

/// Exports as brokers write them: currency symbols and percent signs in the numbers, US dates,
/// newest first; `Tests/BrokerExports/msft_us_newest_first.csv` is the last 300 rows of
/// `datasets/msft_daily_ohlcv.csv` written that way.
@Suite struct BrokerExportTests {
    @Test func currencyAndPercentCellsParseWithANote() throws {
        let table = try readCSV("""
            date,price,change,fee
            2024-04-19,"$1,234.50",12.5%,€12
            2024-04-22,-$3.20,-0.5 %,12 €
            2024-04-23,$-3.20,0%,£1.5
            2024-04-24,7,1,¥2
            """)
        #expect(table.columns[0] == [1234.5, -3.2, -3.2, 7])
        #expect(table.columns[1] == [12.5, -0.5, 0, 1])
        #expect(table.columns[2] == [12, 12, 1.5, 2])
        #expect(table.warnings == [
            "t.csv: columns \"price\", \"fee\": 7 values with a currency symbol (first \"$1,234.50\" on line 2) read as plain numbers",
            "t.csv: column \"change\": 3 values with a percent sign (first \"12.5%\" on line 2) kept in percent: 12.5% reads as 12.5, not 0.125",
        ])
    }

    @Test func decimalCommaCellsWithSymbols() throws {
        let table = try readCSV("Datum;Kurs;Änderung\n2024-04-19;1.234,50 €;-0,5 %\n")
        #expect(table.columns[0] == [1234.5])
        #expect(table.columns[1] == [-0.5])
    }

    @Test("plain and quoted numbers take no note; a symbol alone or twice is still an error")
    func whatIsNotANumber() throws {
        let plain = try readCSV("date,volume\n2024-04-19,\"34,849,700\"\n2024-04-22,1\n")
        #expect(plain.columns[0] == [34_849_700, 1])
        #expect(plain.warnings.isEmpty)
        #expect(ingestErrorText { try readCSV("date,v\n2024-04-19,$\n") } == "t.csv:2:2: expected a number, found \"$\"")
        #expect(ingestErrorText { try readCSV("date,v\n2024-04-19,-$-3\n") } == "t.csv:2:2: expected a number, found \"-$-3\"")
        #expect(ingestErrorText { try readCSV("date,v\n2024-04-19,$5%\n") } == "t.csv:2:2: expected a number, found \"$5%\"")
        #expect(ingestErrorText { try readCSV("date,v\n2024-04-19,12%%\n") } == "t.csv:2:2: expected a number, found \"12%%\"")
    }

    @Test("the broker file reads with default options: month first, reversed, $ and quoted volumes")
    func brokerFile() throws {
        let path = brokerExportPath("msft_us_newest_first.csv")
        let table = try CSVReader.read(path: path)
        #expect(table.rowCount == 300)
        #expect(table.columnNames == ["Open", "High", "Low", "Close", "Adj Close", "Volume"])
        #expect(table.time.kind == .date)
        #expect(table.dateFormat == .pattern(try DatePattern("%m/%d/%Y")))
        #expect(table.timeString(at: 0) == "2011-12-19" && table.timeString(at: 299) == "2013-03-01")
        #expect(table.sourceLines.first == 301 && table.sourceLines.last == 2)
        #expect(table.warnings == [
            "\(path): dates in column \"Date\" read as %m/%d/%Y (month first), the only reading of \"02/28/2013\" on line 3",
            "\(path): columns \"Open\", \"High\", \"Low\", \"Close\", \"Adj Close\": 1500 values with a currency symbol (first \"$27.72\" on line 2) read as plain numbers",
            "\(path): rows were newest first (2013-03-01 on line 2 to 2011-12-19 on line 301); reversed to oldest first",
        ])
        // The same days and values as the dataset it was made from (prices rounded to cents).
        let source = try CSVReader.read(path: datasetPath("msft_daily_ohlcv.csv"))
        let tail = source.slicingRows((source.rowCount - 300)..<source.rowCount)
        #expect(table.time.values == tail.time.values)
        let close = try tail.column(named: "close"), volume = try tail.column(named: "volume")
        #expect(zip(try table.column(named: "Close"), close).allSatisfy { abs($0 - $1) < 0.0051 })
        #expect(try table.column(named: "Volume") == volume)
    }

    /// Files over 4 MiB are read in parallel chunks: the notes count every chunk and point at the
    /// first line, and detection sees the whole column.
    @Test func notesAcrossChunks() throws {
        var text = "Date,Close,Change\n"
        var rows = 0
        var day = 0
        while text.utf8.count < 9 << 20 {
            // Newest first over about 29,000 years of days: 1 Jan 30000 would not print, so count down from 9999.
            let (y, m, d) = (9999 - day / 336, 12 - day / 28 % 12, 28 - day % 28)
            text += "\(m)/\(d)/\(y),$\(rows % 100).25,\(rows % 7)%\n"
            rows += 1
            day += 1
        }
        let table = try readCSV(text)
        #expect(table.rowCount == rows)
        #expect(table.warnings.count == 4)
        #expect(table.warnings[1] == "t.csv: column \"Close\": \(rows) values with a currency symbol (first \"$0.25\" on line 2) read as plain numbers")
        #expect(table.warnings[2] == "t.csv: column \"Change\": \(rows) values with a percent sign (first \"0%\" on line 2) kept in percent: 12.5% reads as 12.5, not 0.125")
        #expect(table.columns[0].last == 0.25 && table.columns[1].last == 0)
    }
}
