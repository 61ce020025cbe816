import ArgumentParser
import Forecast
import Foundation

/// Progress on stderr: a line rewritten in place when stderr is a terminal, plain lines otherwise.
struct Progress {
    let quiet: Bool
    let interactive = isatty(STDERR_FILENO) == 1
    let started = Date()

    func epoch(_ r: EpochRecord, of total: Int) {
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(started)
        let eta = elapsed / Double(r.epoch) * Double(total - r.epoch)
        var line = String(format: "epoch %d/%d  loss %.5f", r.epoch, total, r.trainLoss)
        if let v = r.validationLoss { line += String(format: "  val %.5f", v) }
        line += String(format: "  eta %.0fs", eta)
        write(interactive ? "\r" + line + "\u{1B}[K" : line + "\n")
    }

    func message(_ text: String) {
        guard !quiet else { return }
        write((interactive ? "\r\u{1B}[K" : "") + text + "\n")
    }

    func finish() {
        if interactive && !quiet { write("\r\u{1B}[K") }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

/// Runs a command body so that every failure that is not a usage error ends as one line on
/// stderr ("error: file:line:column: what went wrong") and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ValidationError {
        throw e
    } catch let e as ExitCode {
        throw e
    } catch DistributedError.peerFailed {
        throw ExitCode(1)  // the failing rank prints the error
    } catch {
        FileHandle.standardError.write(Data("error: \(oneLine(error))\n".utf8))
        throw ExitCode(1)
    }
}

/// An error as one line of text.
func oneLine(_ error: Error) -> String {
    "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
}

func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
