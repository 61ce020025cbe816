/// An ingestion failure, described on one line as `file:line:column: message`.
///
/// `line` and `column` are 1-based and present only where they apply: a missing file has
/// neither, a ragged row has a line, a bad cell has both. The column is the field's position
/// in the file (1 = first field), not its position among the selected columns.
public struct IngestError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Display name of the source (the path as given, or the name passed with in-memory data).
    public var file: String?
    public var line: Int?
    public var column: Int?
    /// What was expected and what was found; never contains a line break.
    public var message: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = IngestError.singleLine(message)
    }

    public var description: String {
        var location = ""
        if let file { location = file }
        if let line {
            location += location.isEmpty ? "line \(line)" : ":\(line)"
            if let column { location += ":\(column)" }
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }

    static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return text.map { $0.isNewline ? " " : String($0) }.joined()
    }

    /// Renders raw field bytes for an error message: quoted, at most 40 characters, with
    /// control characters and invalid UTF-8 escaped so the message stays one printable line.
    static func quote(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let limit = 40
        let shown = bytes.count > limit ? UnsafeBufferPointer(rebasing: bytes[0..<limit]) : bytes
        var text = ""
        for scalar in String(decoding: shown, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{0}": text += "\\0"
            case "\u{FFFD}": text += "\\u{FFFD}"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    text += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return "\"" + text + (bytes.count > limit ? "…" : "") + "\""
    }

    static func quote(_ text: String) -> String {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { quote(UnsafeBufferPointer($0)) }
    }
}
