import Forecast
import Foundation
import Testing

/// Inputs kept from fuzzing (scripts/fuzz.sh): odd corners libFuzzer reached, and any input
/// that ever crashed. Each must load or fail with one clear line that names the file.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions")

    static func inputs(_ target: String) -> [String] {
        let dir = folder.appendingPathComponent(target).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    static func expectClearFailure(_ error: Error, name: String) {
        let text = "\(error)"
        #expect(!text.contains("\n"), "\(name): error spans lines: \(text)")
        #expect(text.contains(name), "\(name): error does not name the file: \(text)")
    }

    @Test("both corpora are present")
    func corporaPresent() {
        #expect(Self.inputs("csv").count >= 10)
        #expect(Self.inputs("model").count >= 5)
    }

    @Test("CSV inputs load or fail with one line naming the file", arguments: inputs("csv"))
    func csv(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        do {
            let table = try CSVReader.read(bytes: bytes, name: "input.csv")
            _ = TableSummary(table)
        } catch {
            Self.expectClearFailure(error, name: "input.csv")
        }
    }

    @Test("model inputs load or fail with one line naming the file", arguments: inputs("model"))
    func model(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        do {
            let model = try ForecastModel.decode(bytes, name: "input.safetensors")
            #expect(try ForecastModel.decode(try model.encoded(), name: "again").config == model.config)
        } catch {
            Self.expectClearFailure(error, name: "input.safetensors")
        }
    }
}
