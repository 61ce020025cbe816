import Ingest
import Testing

/// Windows, splits, scalers and backtest origins on small hand-made series.
@Suite struct WindowingTests {
    /// Row r holds x = r and y = 100 + r, so every value names its row.
    let x: [Float] = (0..<10).map { Float($0) }
    let y: [Float] = (0..<10).map { Float(100 + $0) }

    @Test func shapesAndValues() throws {
        let set = try Windowing.windows(inputs: [x, y], targets: [y], timesteps: 3, horizon: 2, stride: 2, rows: 0..<10)
        // Starts 0, 2, 4 fit (4 + 3 + 2 = 9 <= 10); 6 would need row 10.
        #expect(set.count == 3)
        #expect((set.timesteps, set.inputDim, set.horizon, set.targetDim) == (3, 2, 2, 1))
        #expect(set.inputs.count == 3 * 3 * 2)
        #expect(set.targets.count == 3 * 2 * 1)
        #expect(Array(set.inputs[0..<6]) == [0, 100, 1, 101, 2, 102])
        #expect(Array(set.inputs[6..<12]) == [2, 102, 3, 103, 4, 104])
        #expect(set.targets == [103, 104, 105, 106, 107, 108])
        #expect(set.targetStartRows == [3, 5, 7])
        #expect(set.input(2, 1, 0) == 5)
        #expect(set.target(1, 1, 0) == 106)
        #expect(Windowing.windowCount(rows: 0..<10, timesteps: 3, horizon: 2, stride: 2) == 3)
    }

    @Test func multipleTargetsAndInputWindow() throws {
        let set = try Windowing.windows(inputs: [x], targets: [x, y], timesteps: 2, horizon: 1, rows: 5..<10)
        #expect(set.count == 3)
        #expect(set.targets == [7, 107, 8, 108, 9, 109])
        #expect(try Windowing.inputWindow(inputs: [x, y], timesteps: 2, endingBefore: 10) == [8, 108, 9, 109])
    }

    @Test func windowErrors() {
        #expect(ingestErrorText { try Windowing.windows(inputs: [x], targets: [y], timesteps: 4, horizon: 2, rows: 0..<5) }
            == "rows 0..<5 (5 rows) are too few for one window of 4 timesteps + 2 horizon")
        #expect(ingestErrorText { try Windowing.windows(inputs: [x], targets: [y], timesteps: 0, horizon: 2, rows: 0..<5) }
            == "timesteps must be at least 1, got 0")
    }

    @Test func noWindowCrossesASplit() throws {
        let n = 100
        let series: [Float] = (0..<n).map(Float.init)
        let split = try ChronologicalSplit(rowCount: n, validation: .fraction(0.2), test: .count(15))
        #expect(split.train == 0..<65)
        #expect(split.validation == 65..<85)
        #expect(split.test == 85..<100)
        let timesteps = 5, horizon = 3
        for part in ChronologicalSplit.Part.allCases {
            let rows = split.windowRows(part, timesteps: timesteps)
            let set = try Windowing.windows(inputs: [series], targets: [series], timesteps: timesteps, horizon: horizon, rows: rows)
            let own = split.range(part)
            for n in 0..<set.count {
                // Every target lies inside the part; inputs only ever look back.
                for h in 0..<horizon { #expect(own.contains(Int(set.target(n, h, 0)))) }
                for t in 0..<timesteps { #expect(Int(set.input(n, t, 0)) < own.upperBound - horizon + 1) }
                #expect(Int(set.input(n, 0, 0)) >= rows.lowerBound)
            }
            // Every possible target start in the part is covered.
            #expect(set.targetStartRows.first == (part == .train ? timesteps : own.lowerBound))
            #expect(set.targetStartRows.last == own.upperBound - horizon)
        }
        #expect(ingestErrorText { try ChronologicalSplit(rowCount: 10, validation: .count(5), test: .count(5)) }
            == "10 rows leave no training rows after 5 validation and 5 test rows")
    }

    @Test func scalerUsesTrainingRowsOnly() throws {
        // Training rows 0..<4 hold 1, 2, 3, 4; the huge later values must not leak in.
        let column: [Double] = [1, 2, 3, 4, 1000, 2000]
        let standard = try Scaler.fit(.standard, columns: [column], names: ["v"], rows: 0..<4)
        #expect(standard.offset == [2.5])
        #expect(standard.scale == [Float((1.25 as Double).squareRoot())])
        let minmax = try Scaler.fit(.minmax, columns: [column], names: ["v"], rows: 0..<4)
        #expect(minmax.offset == [1])
        #expect(minmax.scale == [3])
        #expect(try minmax.transform(columns: [column])[0] == [0, Float(1) / 3, Float(2) / 3, 1, 333, Float(1999) / 3])
        let none = try Scaler.fit(.none, columns: [column], names: ["v"], rows: 0..<4)
        #expect(try none.transform(columns: [column])[0] == column.map(Float.init))
        let constant = try Scaler.fit(.standard, columns: [[5, 5, 5]], names: ["c"], rows: 0..<3)
        #expect(constant.scale == [1])
        #expect(ingestErrorText { try Scaler.fit(.standard, columns: [[1, .nan, 3]], names: ["v"], rows: 0..<3) }
            == "column \"v\" has missing values in the training rows; apply a missing-value policy before scaling")
    }

    @Test func scalerRoundTripsThroughTensors() throws {
        let table = try readCSV("date,a,b\n2020-01-01,1,10\n2020-01-02,3,30\n2020-01-03,5,70\n")
        let scaler = try Scaler.fit(.standard, table: table, columns: ["b", "a"], rows: 0..<2)
        #expect(scaler.offset == [20, 2])
        #expect(scaler.scale == [10, 1])
        let restored = try Scaler(kind: .standard, columnNames: ["b", "a"], tensors: scaler.tensors)
        #expect(restored == scaler)
        let scaled = try restored.transform(table: table)
        #expect(scaled == [[-1, 1, 5], [-1, 1, 3]])
        #expect(try restored.inverseTransform(columns: scaled) == [[10, 30, 70], [1, 3, 5]])
        // Predictions shaped (N=2, horizon=1, targets [a]) come back in original units.
        #expect(try restored.inverseTransform(flattened: [1, 3], columns: ["a"]) == [3, 5])
        #expect(ingestErrorText { try Scaler(kind: .standard, columnNames: ["a"], tensors: ["offset": [0]]) }
            == "scaler tensors must include \"offset\" and \"scale\"; found: offset")
        #expect(ingestErrorText { try Scaler(kind: .minmax, columnNames: ["a", "b"], offset: [0], scale: [1]) }
            == "scaler has 2 columns but 1 offsets and 1 scales")
    }

    @Test func rollingOrigins() throws {
        let table = try readCSV("date,v\n" + (1...10).map { "2020-01-\($0 < 10 ? "0" : "")\($0),\($0)" }.joined(separator: "\n"))
        let expanding = try RollingOrigins.folds(time: table.time, window: .expanding, start: .index(6), stride: 2, horizon: 2)
        #expect(expanding == [
            BacktestFold(index: 0, train: 0..<6, test: 6..<8),
            BacktestFold(index: 1, train: 0..<8, test: 8..<10),
        ])
        let sliding = try RollingOrigins.folds(time: table.time, window: .sliding(trainLength: 4), start: .date("2020-01-05"), stride: 1, horizon: 3)
        #expect(sliding.map(\.train) == [0..<4, 1..<5, 2..<6, 3..<7])
        #expect(sliding.map(\.test) == [4..<7, 5..<8, 6..<9, 7..<10])
        #expect(sliding.allSatisfy { $0.train.upperBound == $0.origin })
        let byFraction = try RollingOrigins.folds(time: table.time, window: .expanding, start: .fraction(0.8), stride: 1, horizon: 1)
        #expect(byFraction.map(\.origin) == [8, 9])
        #expect(ingestErrorText { try RollingOrigins.folds(time: table.time, window: .sliding(trainLength: 5), start: .index(3), stride: 1, horizon: 1) }
            == "a sliding window of 5 training rows needs the first origin at row 5 or later, got row 3")
        #expect(ingestErrorText { try RollingOrigins.folds(time: table.time, window: .expanding, start: .index(9), stride: 1, horizon: 2) }
            == "no backtest fold fits: first origin at row 9 + horizon 2 exceeds the 10 rows")
    }
}
