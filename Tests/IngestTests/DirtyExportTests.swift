import Ingest
import Testing

/// `DIRTY_msft_daily_export.csv`: BOM, CRLF, quoted thousands, a repeated header, and six
/// missing cells written four different ways.
@Suite struct DirtyExportTests {
    @Test func loadsWithMissingKept() throws {
        let dirty = try CSVReader.read(path: datasetPath("DIRTY_msft_daily_export.csv"), options: keepMissing)
        #expect(dirty.rowCount == 291)
        #expect(dirty.columnNames.count + 1 == 7)
        #expect(dirty.timeName == "Date")
        #expect(dirty.columnNames == ["Open", "High", "Low", "Close", "Volume", "Adj Close"])
        #expect(dirty.missingCount == 6)
        #expect(dirty.missingCounts == [1, 1, 0, 2, 1, 1])
        #expect(dirty.warnings == ["\(datasetPath("DIRTY_msft_daily_export.csv")):127: repeated header line skipped"])
        #expect(dirty.columns[4][0] == 64_731_500)

        let clean = try CSVReader.read(path: datasetPath("msft_daily_ohlcv.csv"))
        var cleanRow: [Double: Int] = [:]
        for i in 0..<clean.rowCount { cleanRow[clean.time.values[i]] = i }
        var compared = 0
        for i in 0..<dirty.rowCount {
            let row = try #require(cleanRow[dirty.time.values[i]], "date \(dirty.timeString(at: i)) not in the clean file")
            for j in 0..<6 where !dirty.columns[j][i].isNaN {
                #expect(dirty.columns[j][i] == clean.columns[j][row], "\(dirty.columnNames[j]) on \(dirty.timeString(at: i))")
                compared += 1
            }
        }
        #expect(compared == 291 * 6 - 6)
    }

    @Test func missingCellsAreTheOnesInTheFile() throws {
        let dirty = try CSVReader.read(path: datasetPath("DIRTY_msft_daily_export.csv"), options: keepMissing)
        var cells: [String] = []
        for i in 0..<dirty.rowCount {
            for j in 0..<6 where dirty.columns[j][i].isNaN {
                cells.append("\(dirty.sourceLines[i]):\(dirty.columnNames[j])")
            }
        }
        #expect(cells == ["52:Close", "91:Open", "164:Volume", "191:Adj Close", "216:High", "266:Close"])
    }

    @Test func defaultOptionsNameTheFirstMissingCell() {
        let path = datasetPath("DIRTY_msft_daily_export.csv")
        let message = ingestErrorText { try CSVReader.read(path: path) }
        #expect(message == "\(path):52:5: missing value in column \"Close\" (the missing-value policy is error; choose drop, ffill or interpolate)")
    }

    @Test func policiesReportWhatTheyDid() throws {
        var options = CSVOptions()
        options.missing = .drop
        let dropped = try CSVReader.read(path: datasetPath("DIRTY_msft_daily_export.csv"), options: options)
        #expect(dropped.rowCount == 285)
        #expect(dropped.missingReport == MissingReport(policy: .drop, missingCells: 6, filledCells: 0, droppedRows: 6))
        options.missing = .ffill
        let filled = try CSVReader.read(path: datasetPath("DIRTY_msft_daily_export.csv"), options: options)
        #expect(filled.rowCount == 291)
        #expect(filled.missingCount == 0)
        #expect(filled.missingReport?.filledCells == 6)
        // Line 52's Close is carried from line 51 (2012-03-14, 32.77).
        let row = try #require(filled.sourceLines.firstIndex(of: 52))
        #expect(try filled.column(named: "Close")[row] == 32.77)
    }
}
