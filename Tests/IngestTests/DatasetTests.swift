import Ingest
import Testing

/// Every bundled dataset loads with the row count, columns and values in the file.
@Suite struct DatasetTests {
    @Test func airPassengers() throws {
        let table = try CSVReader.read(path: datasetPath("airpassengers_monthly.csv"))
        #expect(table.rowCount == 144)
        #expect(table.timeName == "date")
        #expect(table.columnNames == ["passengers_thousands"])
        #expect(table.timeString(at: 0) == "1949-01-01")
        #expect(table.columns[0][0] == 112)
        #expect(table.timeString(at: 98) == "1957-03-01")
        #expect(table.columns[0][98] == 356)
        #expect(table.sourceLines[98] == 100)
        #expect(table.timeString(at: 143) == "1960-12-01")
        #expect(table.columns[0][143] == 432)
        #expect(FrequencyInference(table.time).frequency?.description == "monthly")
    }

    @Test func co2WeeklyHas59EmptyCells() throws {
        let table = try CSVReader.read(path: datasetPath("co2_maunaloa_weekly.csv"), options: keepMissing)
        #expect(table.rowCount == 2284)
        #expect(table.missingCounts == [59])
        #expect(table.columns[0][0] == 316.1)
        #expect(table.timeString(at: 98) == "1960-02-13")
        #expect(table.columns[0][98] == 316.9)
        #expect(table.columns[0][2283] == 371.5)
        let inference = FrequencyInference(table.time)
        #expect(inference.frequency?.description == "weekly")
        #expect(inference.gaps.isEmpty)
        // Default options refuse the first empty cell, on line 8.
        let message = ingestErrorText { try CSVReader.read(path: datasetPath("co2_maunaloa_weekly.csv")) }
        #expect(message == "\(datasetPath("co2_maunaloa_weekly.csv")):8:2: missing value in column \"co2_ppm\" (the missing-value policy is error; choose drop, ffill or interpolate)")
    }

    @Test func euStockMarketsHasIntegerIndex() throws {
        let table = try CSVReader.read(path: datasetPath("eustockmarkets_daily.csv"))
        #expect(table.rowCount == 1860)
        #expect(table.timeName == "t")
        #expect(table.time.kind == .index)
        #expect(table.columnNames == ["DAX", "SMI", "CAC", "FTSE"])
        #expect(table.columns.map { $0[0] } == [1628.75, 1678.1, 1772.8, 2443.6])
        #expect(table.columns.map { $0[98] } == [1627.08, 1735.6, 1868.5, 2561.6])
        #expect(table.columns.map { $0[1859] } == [5473.72, 7676.3, 3995, 5455])
        #expect(table.timeString(at: 1859) == "1859")
        #expect(FrequencyInference(table.time).frequency?.description == "index step 1")
    }

    @Test func msftDaily() throws {
        let table = try CSVReader.read(path: datasetPath("msft_daily_ohlcv.csv"))
        #expect(table.rowCount == 3270)
        #expect(table.columnNames == ["open", "high", "low", "close", "volume", "adj_close"])
        #expect(table.columns.map { $0[0] } == [89.62, 94.09, 88.94, 90.81, 53_444_900, 30.225709797294])
        #expect(table.timeString(at: 98) == "2000-07-20")
        #expect(try table.column(named: "close")[98] == 74.81)
        #expect(try table.column(named: "adj_close")[3269] == 24.684342419163)
        let inference = FrequencyInference(table.time)
        #expect(inference.frequency?.description == "business day")
        // Exchange holidays are gaps: 2000-04-21 (Good Friday) is the first.
        #expect(inference.gaps.count == 118)
        #expect(table.timeString(at: inference.gaps[0].afterRow) == "2000-04-20")
        #expect(inference.gaps[0].missingSteps == 1)
    }

    @Test func sunspots() throws {
        let table = try CSVReader.read(path: datasetPath("sunspots_monthly.csv"))
        #expect(table.rowCount == 3120)
        #expect(table.timeString(at: 0) == "1749-01-01")
        #expect(table.columns[0][0] == 58.0)
        #expect(table.columns[0][98] == 26.2)
        #expect(table.columns[0][3119] == 0.8)
        #expect(table.timeString(at: 3119) == "2008-12-01")
    }

    @Test func taylorHalfHourly() throws {
        let table = try CSVReader.read(path: datasetPath("taylor_electricity_halfhourly.csv"))
        #expect(table.rowCount == 4032)
        #expect(table.timeName == "timestamp")
        #expect(table.timeString(at: 0) == "2000-06-05T00:00:00")
        #expect(table.timeString(at: 98) == "2000-06-07T01:00:00")
        #expect(table.columns[0][98] == 24697)
        #expect(table.timeString(at: 4031) == "2000-08-27T23:30:00")
        #expect(table.columns[0][4031] == 23132)
        let inference = FrequencyInference(table.time)
        #expect(inference.frequency?.description == "30 min")
        #expect(inference.gaps.isEmpty)
    }
}
