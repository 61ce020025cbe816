import Testing
import Ingest

@Test func smoke() throws {
    let dir = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))
    for f in ["DIRTY_msft_daily_export.csv","airpassengers_monthly.csv","co2_maunaloa_weekly.csv","eustockmarkets_daily.csv","msft_daily_ohlcv.csv","sunspots_monthly.csv","taylor_electricity_halfhourly.csv"] {
        var o = CSVOptions(); o.missing = nil
        do {
            let t = try CSVReader.read(path: "/" + dir + "/datasets/" + f, options: o)
            print(f, t.rowCount, t.timeName, t.columnNames, t.timeString(at: 0), t.timeString(at: t.rowCount-1), t.columns.map{$0[0]}, t.missingCounts, t.warnings, t.sourceLines.prefix(3))
        } catch { print(f, "ERR", error) }
        do { _ = try CSVReader.read(path: "/" + dir + "/datasets/" + f) } catch { print("default:", error) }
    }
}
