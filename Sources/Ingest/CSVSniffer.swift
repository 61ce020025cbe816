#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cheap whole-buffer checks made before parsing: is this text at all, and which delimiter.
enum CSVSniffer {
    /// Rejects an empty or blank file, a binary file (control bytes or invalid UTF-8 on the
    /// first line) and NUL bytes anywhere (a truncated or zero-padded file).
    static func checkText(_ body: UnsafeBufferPointer<UInt8>, name: String) throws {
        guard body.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) else {
            throw IngestError(file: name, "empty file: expected a header line and data rows")
        }
        let firstLine = UnsafeBufferPointer(rebasing: body[0..<firstLineLength(body)])
        for (offset, byte) in firstLine.enumerated() where (byte < 0x20 && byte != 0x09 && byte != 0x0D && byte != 0x0A) || byte == 0x7F {
            throw IngestError(file: name, "binary data, not CSV text (byte 0x\(hex(byte)) at offset \(offset) of line 1)")
        }
        var iterator = firstLine.makeIterator()
        var decoder = UTF8()
        var offset = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: break decoding
            case .error:
                let cappedMidCharacter = firstLine.count == 65_536 && firstLine.count - offset < 4
                if !cappedMidCharacter {
                    throw IngestError(file: name, "binary data, not CSV text (invalid UTF-8 at offset \(offset) of line 1)")
                }
                break decoding
            }
        }
        guard let base = body.baseAddress, let nul = memchr(base, 0, body.count) else { return }
        let position = UnsafeRawPointer(nul) - UnsafeRawPointer(base)
        var line = 1
        var lineStart = 0
        for k in 0..<position where body[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        let lineEnd = body[position...].firstIndex(of: 0x0A) ?? body.count
        let onlyNul = body[lineStart..<lineEnd].allSatisfy { $0 == 0 || $0 == 0x0D }
        throw IngestError(file: name, line: line, onlyNul
            ? "line of NUL bytes: the file is truncated or padded with zeros"
            : "NUL byte at character \(position - lineStart + 1): not CSV text (truncated or corrupt file?)")
    }

    /// Length of the first line, its newline excluded (capped at 64 KiB for the checks).
    static func firstLineLength(_ body: UnsafeBufferPointer<UInt8>) -> Int {
        let limit = min(body.count, 65_536)
        guard let base = body.baseAddress, let newline = memchr(base, 0x0A, limit) else { return limit }
        return UnsafeRawPointer(newline) - UnsafeRawPointer(base)
    }

    /// `,`, `;` or tab: whichever occurs most often outside quotes on the first non-blank line
    /// (`,` when none does, i.e. a one-column file).
    static func detectDelimiter(_ body: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var quoted = false
        let start = body.firstIndex { $0 != 0x0A && $0 != 0x0D } ?? 0
        let line = UnsafeBufferPointer(rebasing: body[start...])
        for byte in line[0..<firstLineLength(line)] {
            switch byte {
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: ",") where !quoted: counts.comma += 1
            case UInt8(ascii: ";") where !quoted: counts.semicolon += 1
            case UInt8(ascii: "\t") where !quoted: counts.tab += 1
            default: break
            }
        }
        if counts.tab > counts.comma && counts.tab >= counts.semicolon { return UInt8(ascii: "\t") }
        if counts.semicolon > counts.comma { return UInt8(ascii: ";") }
        return UInt8(ascii: ",")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
