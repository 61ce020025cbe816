import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `actual` is within `tolerance` (relative to `expected`, or absolute near zero) of `expected`.
func close(_ actual: Double?, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= tolerance * max(1, abs(expected))
}

/// The outcome of parsing a document with Foundation's XMLParser.
struct ParsedXML {
    var wellFormed: Bool
    var error: String
    var elements: [String] = []
    var text = ""
    var attributes: [[String: String]] = []

    func count(of element: String) -> Int { elements.filter { $0 == element }.count }
}

final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var text = ""
    var attributes: [[String: String]] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(elementName)
        attributes.append(attributeDict)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }
}

func parseXML(_ document: String) -> ParsedXML {
    let parser = XMLParser(data: Data(document.utf8))
    let collector = XMLCollector()
    parser.delegate = collector
    let ok = parser.parse()
    return ParsedXML(
        wellFormed: ok, error: parser.parserError.map { "\($0)" } ?? "",
        elements: collector.elements, text: collector.text, attributes: collector.attributes)
}

/// A fresh empty directory, removed by the caller with `removeDirectory`.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "report-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func directoryListing(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields, doubled quotes, embedded
/// commas and line feeds). A parser of its own, so the writer is checked against the format
/// rather than against itself.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var inQuotes = false
    var chars = Array(text)
    chars.append("\n")
    var i = 0
    var fieldStarted = false
    while i < chars.count {
        let c = chars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
            } else {
                field.append(c)
            }
        } else if c == "\"" {
            inQuotes = true
            fieldStarted = true
        } else if c == "," {
            record.append(field); field = ""; fieldStarted = false
        } else if c == "\n" {
            if fieldStarted || !field.isEmpty || !record.isEmpty {
                record.append(field)
                records.append(record)
            }
            record = []; field = ""; fieldStarted = false
        } else {
            field.append(c)
            fieldStarted = true
        }
        i += 1
    }
    return records
}
