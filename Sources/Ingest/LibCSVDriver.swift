import CLibCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a libcsv callback context exposes so the driver can place errors on lines.
protocol CSVSink: AnyObject {
    /// The 1-based line being fed to libcsv; set by the driver before each feed.
    var line: Int { get set }
    /// 0-based position in its row of the field libcsv is reading.
    var fieldIndex: Int { get }
    /// Line on which the field libcsv is reading started.
    var fieldStartLine: Int { get }
    /// Set by a sink that has seen enough (or hit an error); the driver stops feeding.
    var stopped: Bool { get }
}

typealias CSVFieldCallback = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void
typealias CSVRowCallback = @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void

/// Runs libcsv in strict mode over a buffer, one physical line per `csv_parse` call so the
/// callbacks always know the current line number. libcsv does all the tokenizing (quotes,
/// doubled quotes, delimiters, CR/LF); the driver only tells it where lines begin.
enum LibCSVDriver {
    private static let spaceOnly: @convention(c) (UInt8) -> Int32 = { $0 == 0x20 ? 1 : 0 }

    /// Returns the number of lines fed.
    @discardableResult
    static func run<Sink: CSVSink>(
        _ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String, sink: Sink,
        field: CSVFieldCallback, row: CSVRowCallback
    ) throws -> Int {
        var parser = csv_parser()
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI)) == 0 else {
            throw IngestError(file: name, "cannot initialise the CSV parser (out of memory)")
        }
        defer { csv_free(&parser) }
        csv_set_delim(&parser, delimiter)
        if delimiter == UInt8(ascii: "\t") { csv_set_space_func(&parser, spaceOnly) }

        let context = Unmanaged.passUnretained(sink).toOpaque()
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let end = bytes.count
        var position = 0
        var line = 1
        while position < end {
            let remaining = end - position
            let newline = memchr(base + position, 0x0A, remaining)
            let length = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base + position) + 1 } ?? remaining
            sink.line = line
            let consumed = csv_parse(&parser, base + position, length, field, row, context)
            if consumed != length {
                throw parseError(&parser, name: name, line: line, column: sink.fieldIndex + 1)
            }
            if sink.stopped { return line }
            position += length
            line += 1
        }
        if csv_fini(&parser, field, row, context) != 0 {
            if csv_error(&parser) == CSV_EPARSE {
                throw IngestError(file: name, line: sink.fieldStartLine, column: sink.fieldIndex + 1,
                                  "unterminated quoted field: the closing quote (\") is missing")
            }
            throw parseError(&parser, name: name, line: line, column: sink.fieldIndex + 1)
        }
        return line - 1
    }

    private static func parseError(_ parser: inout csv_parser, name: String, line: Int, column: Int) -> IngestError {
        switch Int32(csv_error(&parser)) {
        case CSV_EPARSE:
            return IngestError(file: name, line: line, column: column,
                               "misplaced quote: a quoted field must be wholly quoted, with inner quotes doubled (\"\")")
        case CSV_ENOMEM, CSV_ETOOBIG:
            return IngestError(file: name, line: line, column: column, "field too large to read (out of memory)")
        default:
            return IngestError(file: name, line: line, column: column, "CSV parser error \(csv_error(&parser))")
        }
    }
}
