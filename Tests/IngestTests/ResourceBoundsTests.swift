import Foundation
import Ingest
import Testing

/// Files far outside what the tool is for still end in a table or one clear line, quickly and in
/// memory proportional to the data.
@Suite struct ResourceBoundsTests {
    @Test("a header of 100,000 columns loads (the duplicate-name check is linear)")
    func hundredThousandColumns() throws {
        let n = 100_000
        let header = "t," + (0..<n).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<3).map { r in "\(r)," + Array(repeating: "1.5", count: n).joined(separator: ",") }
        let table = try readCSV(([header] + row).joined(separator: "\n") + "\n")
        #expect(table.columnNames.count == n)
        #expect(try table.column(named: "c99999") == [1.5, 1.5, 1.5])
    }

    @Test("a duplicate among 100,000 column names is named with both positions")
    func duplicateAmongMany() {
        var names = (0..<100_000).map { "c\($0)" }
        names[70_000] = "c12"
        let text = "t," + names.joined(separator: ",") + "\n0," + Array(repeating: "1", count: names.count).joined(separator: ",") + "\n"
        #expect(ingestErrorText { try readCSV(text) }
            == "t.csv: column name \"c12\" appears twice in the header (fields 14 and 70002)")
    }

    @Test("a 10 MB field is an error that quotes only its start")
    func tenMegabyteField() {
        let text = "t,x\n0,1\n1," + String(repeating: "9", count: 10_000_000) + "\n2,3\n"
        let message = ingestErrorText { try readCSV(text) } ?? ""
        #expect(message.hasPrefix("t.csv:3:2: expected a number, found \"99999"))
        #expect(message.count < 200)
    }
}
