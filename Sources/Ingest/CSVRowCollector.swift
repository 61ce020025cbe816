/// Collects the first rows of a file as strings: enough to read the header and decide how
/// to parse the rest (time column kind, whether line 1 is a header at all).
final class CSVRowCollector: CSVSink {
    var line = 1
    var fieldIndex = 0
    var fieldStartLine = 1
    var stopped = false
    let limit: Int
    private(set) var rows: [[String]] = []
    private(set) var rowLines: [Int] = []
    private var current: [String] = []
    private var currentLine = 0

    init(limit: Int) { self.limit = limit }

    static let fieldCallback: CSVFieldCallback = { pointer, count, context in
        let sink = Unmanaged<CSVRowCollector>.fromOpaque(context!).takeUnretainedValue()
        if sink.fieldIndex == 0 { sink.currentLine = sink.line }
        let text = pointer.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: count), as: UTF8.self)
        } ?? ""
        sink.current.append(text)
        sink.fieldIndex += 1
        sink.fieldStartLine = sink.line
    }

    static let rowCallback: CSVRowCallback = { _, context in
        let sink = Unmanaged<CSVRowCollector>.fromOpaque(context!).takeUnretainedValue()
        guard !sink.stopped else { return }
        sink.rows.append(sink.current)
        sink.rowLines.append(sink.currentLine)
        sink.current = []
        sink.fieldIndex = 0
        sink.fieldStartLine = sink.line + 1
        if sink.rows.count >= sink.limit { sink.stopped = true }
    }

    static func collect(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String, limit: Int) throws -> CSVRowCollector {
        let sink = CSVRowCollector(limit: limit)
        try LibCSVDriver.run(bytes, delimiter: delimiter, name: name, sink: sink, field: fieldCallback, row: rowCallback)
        return sink
    }
}
