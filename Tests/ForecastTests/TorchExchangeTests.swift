import Forecast
import Foundation
import Testing

/// Model files exchanged with PyTorch (tools/torch_interop.py): one trained in PyTorch and saved
/// in our layout, one trained here and loaded into nn.GRU + nn.Linear, and one with a quantile
/// head (Tests/tools/gen_quantile_exchange_fixture.sh). PyTorch's forecasts for them are in
/// Fixtures/torch_forecasts.json; ours must agree.
@Suite("Model exchange with PyTorch")
struct TorchExchangeTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/airpassengers_monthly.csv").path

    @Test("forecasts match PyTorch's for models trained on either side", arguments: ["torch_trained_gru", "swift_trained_gru", "swift_trained_quantile_gru"])
    func sameForecast(name: String) throws {
        let expected = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("torch_forecasts.json")))
                as? [String: Any])?["forecasts"] as? [String: [Double]])
        let model = try ForecastModel.load(path: Self.fixtures.appendingPathComponent("\(name).safetensors").path)
        let table = try Forecaster.readTable(path: Self.data, config: model.config)
        let points = try Forecaster(model: model).predict(table)
        let reference = try #require(expected[name])
        #expect(points.count == reference.count)
        for (p, r) in zip(points, reference) {
            #expect(abs(p.value - r) <= 1e-5 * abs(r), "\(name) step \(p.step): \(p.value) vs PyTorch \(r)")
        }
        #expect(points.first?.timestamp == "1961-01-01")
    }

    @Test("a quantile head's outputs read in PyTorch as (batch, horizon, targets, levels) give the same quantiles")
    func quantileHead() throws {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("torch_forecasts.json"))) as? [String: Any])
        let reference = try #require((json["quantiles"] as? [String: [[Double]]])?["swift_trained_quantile_gru"])
        let model = try ForecastModel.load(path: Self.fixtures.appendingPathComponent("swift_trained_quantile_gru.safetensors").path)
        #expect(model.config.quantileLevels == [0.1, 0.5, 0.9])
        #expect(model.network?.shape.outputSize == 3 * 3)
        let table = try Forecaster.readTable(path: Self.data, config: model.config)
        let quantiles = try Forecaster(model: model).quantileForecast(table)
        #expect(quantiles.count == reference.count)
        for (h, (mine, theirs)) in zip(quantiles, reference).enumerated() {
            for (q, r) in zip(mine[0], theirs) { #expect(abs(q - r) <= 1e-5 * abs(r), "step \(h + 1): \(q) vs PyTorch \(r)") }
        }
    }
}
