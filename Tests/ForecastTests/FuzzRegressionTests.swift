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
        #expect(Self.inputs("date").count >= 5)
    }

    /// As the fuzz target reads them: a `--date-format` line, then the CSV, read with that format
    /// and with it as the hint of `.auto`.
    @Test("date-format inputs load or fail with one line naming the file (or the format)", arguments: inputs("date"))
    func date(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let format: CSVOptions.DateFormat
        do {
            format = try CSVOptions.DateFormat(String(decoding: bytes[..<newline], as: UTF8.self))
        } catch {
            #expect(!"\(error)".contains("\n") && "\(error)".hasPrefix("date format "))
            return
        }
        let rest = Array(bytes[min(newline + 1, bytes.count)...])
        for options in [CSVOptions(dateFormat: format), CSVOptions(dateFormat: .auto, dateFormatHint: format)] {
            do {
                _ = TableSummary(try CSVReader.read(bytes: rest, name: "input.csv", options: options))
            } catch {
                Self.expectClearFailure(error, name: "input.csv")
            }
        }
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
