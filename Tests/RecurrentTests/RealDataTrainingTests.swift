import Foundation
import Recurrent
import Testing

/// The monthly airline passengers series (1949–1960), read from datasets/.
private func airPassengers() throws -> [Double] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("datasets/airpassengers_monthly.csv"), encoding: .utf8)
    // A two-column file of our own; the real reader lives in Ingest, which this module must not import.
    return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
        Double(line.split(separator: ",")[1])!
    }
}

@Suite("Training on real data")
struct RealDataTrainingTests {
    /// Standard-scaled on the training part, 12 months in; the network predicts the change from
    /// the last observed month (so the naive forecast is "no change" and the validation years,
    /// which lie above the training range, need no extrapolation). The last 24 months are
    /// validation; errors are measured on the level.
    @Test("small LSTM and GRU beat the naive forecast on airline passengers", arguments: [CellKind.lstm, .gru])
    func beatsNaive(cell: CellKind) throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["AIR_SEED"] ?? "1")!
        let series = try airPassengers()
        #expect(series.count == 144)
        let timesteps = 12, validationMonths = 24
        let trainEnd = series.count - validationMonths
        let train = series[..<trainEnd]
        let mean = train.reduce(0, +) / Double(train.count)
        let std = (train.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(train.count)).squareRoot()
        let scaled = series.map { Float(($0 - mean) / std) }

        func windows(targets: Range<Int>) throws -> SampleSet<Float> {
            var x: [Float] = [], y: [Float] = []
            for t in targets { x += scaled[t - timesteps..<t]; y.append(scaled[t] - scaled[t - 1]) }
            return try SampleSet(inputs: x, targets: y, count: targets.count, timesteps: timesteps, inputSize: 1, outputSize: 1)
        }
        let trainSet = try windows(targets: timesteps..<trainEnd)
        let validationSet = try windows(targets: trainEnd..<series.count)

        let net = try RecurrentNetwork<Float>(shape: NetworkShape(cell: cell, inputSize: 1, hiddenSize: 16, outputSize: 1), seed: seed)
        var options = TrainingOptions()
        options.epochs = 300
        options.batchSize = 16
        options.learningRate = 0.01
        options.patience = 40
        options.seed = 1
        let trainer = Trainer(network: net, options: options)
        _ = try trainer.fit(train: trainSet, validation: validationSet)
        // The error of a change forecast equals the error of the level forecast it implies.
        let modelMSE = trainer.evaluate(validationSet)

        var naive = 0.0
        for t in trainEnd..<series.count { let e = Double(scaled[t] - scaled[t - 1]); naive += e * e }
        naive /= Double(validationMonths)
        print("airpassengers \(cell): validation MSE \(modelMSE) vs naive \(naive) (scaled units)")
        #expect(modelMSE < 0.8 * naive)
    }
}
