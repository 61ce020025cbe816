import Ingest
import Testing

/// Missing-value policies, frequency inference, gaps and calendar features.
@Suite struct SeriesTests {
    let gappy = "date,a,b\n2020-01-01,1,10\n2020-01-02,,20\n2020-01-04,4,\n2020-01-05,5,50\n"

    @Test func interpolateIsLinearInTime() throws {
        let table = try readCSV(gappy, options: keepMissing)
        let (filled, report) = try table.handlingMissing(.interpolate)
        // a at 01-02 lies 1/3 of the way from 01-01 (1) to 01-04 (4); b at 01-04 2/3 of the way from 20 to 50.
        #expect(filled.columns[0] == [1, 2, 4, 5])
        #expect(filled.columns[1] == [10, 20, 40, 50])
        #expect(report == MissingReport(policy: .interpolate, missingCells: 2, filledCells: 2, droppedRows: 0))
    }

    @Test func ffillDropAndError() throws {
        let table = try readCSV(gappy, options: keepMissing)
        let (filled, report) = try table.handlingMissing(.ffill)
        #expect(filled.columns == [[1, 1, 4, 5], [10, 20, 20, 50]])
        #expect(report.count == 2)
        let (dropped, dropReport) = try table.handlingMissing(.drop)
        #expect(dropped.columns == [[1, 5], [10, 50]])
        #expect(dropped.sourceLines == [2, 5])
        #expect(dropReport.droppedRows == 2)
        #expect(ingestErrorText { try table.handlingMissing(.error) }
            == "t.csv:3:2: missing value in column \"a\" (the missing-value policy is error; choose drop, ffill or interpolate)")
        let leading = try readCSV("date,a\n2020-01-01,\n2020-01-02,2\n", options: keepMissing)
        #expect(ingestErrorText { try leading.handlingMissing(.ffill) }
            == "t.csv:2:2: missing value in column \"a\" before any value, so forward fill has nothing to carry (use interpolate or drop)")
        #expect(try leading.handlingMissing(.interpolate).table.columns[0] == [2, 2])
    }

    @Test func frequencyDescriptions() throws {
        func describe(_ times: [String]) throws -> FrequencyInference {
            let header = times[0].count > 10 ? "time,v\n" : "date,v\n"
            return FrequencyInference(try readCSV(header + times.map { "\($0),1" }.joined(separator: "\n")).time)
        }
        #expect(try describe(["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01"]).frequency?.description == "quarterly")
        #expect(try describe(["2019-01-31", "2019-02-28", "2019-03-31", "2019-04-30"]).frequency?.description == "monthly")
        #expect(try describe(["2018-01-01", "2019-01-01", "2020-01-01"]).frequency?.description == "yearly")
        #expect(try describe(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]).frequency?.description == "daily")
        #expect(try describe(["2020-01-01T00:00", "2020-01-01T01:00", "2020-01-01T02:00"]).frequency?.description == "hourly")
        let gaps = try describe(["2020-01-01T00:00", "2020-01-01T00:15", "2020-01-01T01:00", "2020-01-01T01:15", "2020-01-01T01:22"])
        #expect(gaps.frequency?.description == "15 min")
        #expect(gaps.gaps == [Gap(afterRow: 1, missingSteps: 2)])
        #expect(gaps.irregularSteps == 1)
        // Thursday, Friday, Monday, Tuesday, then Thursday: one business day missing.
        let business = try describe(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-09"])
        #expect(business.frequency?.description == "business day")
        #expect(business.gaps == [Gap(afterRow: 3, missingSteps: 1)])
    }

    @Test func calendarFeatures() throws {
        let table = try readCSV("time,v\n2020-01-06T06:00:00,1\n2020-07-12T18:00:00,2\n")
        let featured = try table.addingCalendarFeatures(.all)
        #expect(featured.columnNames == ["v", "hour_sin", "hour_cos", "dayofweek_sin", "dayofweek_cos", "month_sin", "month_cos"])
        let tolerance = 1e-12
        // 06:00 is a quarter of a day; 2020-01-06 is a Monday (0); January is month 0.
        #expect(abs(try featured.column(named: "hour_sin")[0] - 1) < tolerance)
        #expect(abs(try featured.column(named: "hour_cos")[0]) < tolerance)
        #expect(abs(try featured.column(named: "dayofweek_sin")[0]) < tolerance)
        #expect(abs(try featured.column(named: "month_cos")[0] - 1) < tolerance)
        // 18:00 is three quarters; 2020-07-12 is a Sunday (6); July is month 6 (half a year).
        #expect(abs(try featured.column(named: "hour_sin")[1] + 1) < tolerance)
        #expect(abs(try featured.column(named: "dayofweek_cos")[1] - cos(2 * Double.pi * 6 / 7)) < tolerance)
        #expect(abs(try featured.column(named: "month_cos")[1] + 1) < tolerance)
        let indexed = try readCSV("t,v\n0,1\n1,2\n")
        #expect(ingestErrorText { try indexed.addingCalendarFeatures(.hourOfDay) }
            == "t.csv: calendar features need dates or date-times, but time column \"t\" is an integer index")
    }

    @Test func summaryOfTheDirtyExport() throws {
        let table = try CSVReader.read(path: datasetPath("DIRTY_msft_daily_export.csv"), options: keepMissing)
        let summary = TableSummary(table)
        #expect(summary.rows == 291)
        #expect(summary.columns == 6)
        #expect(summary.start == "2012-01-03")
        #expect(summary.end == "2013-03-01")
        #expect(summary.frequency == "business day")
        #expect(summary.gaps.first == TableSummary.GapSummary(after: "2012-01-13", before: "2012-01-17", missingSteps: 1))
        #expect(summary.columnSummaries.map(\.missing) == [1, 1, 0, 2, 1, 1])
        let low = summary.columnSummaries[2]
        #expect(low.min == 26.26 && low.max == 32.58)
        let values = try table.column(named: "Low")
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(low.mean! - mean) < 1e-12)
        let text = summary.text()
        #expect(text.contains("frequency:  business day"))
        #expect(text.contains("Close            2     26.37      32.77"))
    }
}

#if canImport(Glibc)
import Glibc
#endif
