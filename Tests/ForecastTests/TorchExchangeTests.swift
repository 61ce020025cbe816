import Forecast
import Foundation
import Testing

/// Model files exchanged with PyTorch (tools/torch_interop.py): one trained in PyTorch and saved
/// in our layout, one trained here and loaded into nn.GRU + nn.Linear. PyTorch's forecasts for
/// both are in Fixtures/torch_forecasts.json; ours must agree.
@Suite("Model exchange with PyTorch")
struct TorchExchangeTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/airpassengers_monthly.csv").path

    @Test("forecasts match PyTorch's for models trained on either side", arguments: ["torch_trained_gru", "swift_trained_gru"])
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
}
