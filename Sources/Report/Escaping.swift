/// Escaping of text that comes from outside (column names, file names, messages) for the
/// formats this module writes.
public enum Escaping {
    /// Escapes `text` for XML and HTML character data and attribute values.
    ///
    /// `&`, `<`, `>`, `"` and `'` become entity references. Characters that XML 1.0 forbids
    /// (C0 controls other than tab, line feed and carriage return, and U+FFFE, U+FFFF) are
    /// replaced by U+FFFD, so the output is always well-formed.
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Formats `field` as one RFC 4180 CSV field.
    ///
    /// The field is quoted when it contains a comma, a double quote, a carriage return or a line
    /// feed, or starts or ends with a space; double quotes inside are doubled.
    public static func csvField(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        guard needsQuotes else { return field }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Escapes `text` for one cell of a Markdown table.
    ///
    /// Pipes are backslash-escaped, `&`, `<` and `>` become entity references (so raw HTML in a
    /// name is shown, not interpreted), and line breaks become spaces.
    public static func markdownCell(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
