import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-chunk work and its result slots. Each job writes only its own slot, through
/// pointers allocated up front, so parallel jobs never touch shared state.
private final class ChunkJobs: @unchecked Sendable {
    let body: UnsafeBufferPointer<UInt8>
    let bounds: [Range<Int>]
    let delimiter: UInt8
    let name: String
    let plan: CSVPlan
    let skipHeader: Bool
    let averageLine: Int
    let builders: UnsafeMutablePointer<CSVColumnBuilder?>
    let lineCounts: UnsafeMutablePointer<Int>
    let errors: UnsafeMutablePointer<Error?>

    init(body: UnsafeBufferPointer<UInt8>, bounds: [Range<Int>], delimiter: UInt8, name: String, plan: CSVPlan, skipHeader: Bool, averageLine: Int) {
        self.body = body
        self.bounds = bounds
        self.delimiter = delimiter
        self.name = name
        self.plan = plan
        self.skipHeader = skipHeader
        self.averageLine = averageLine
        builders = .allocate(capacity: bounds.count)
        builders.initialize(repeating: nil, count: bounds.count)
        lineCounts = .allocate(capacity: bounds.count)
        lineCounts.initialize(repeating: 0, count: bounds.count)
        errors = .allocate(capacity: bounds.count)
        errors.initialize(repeating: nil, count: bounds.count)
    }

    deinit {
        builders.deinitialize(count: bounds.count)
        builders.deallocate()
        lineCounts.deallocate()
        errors.deinitialize(count: bounds.count)
        errors.deallocate()
    }

    func run(_ k: Int) {
        let chunk = UnsafeBufferPointer(rebasing: body[bounds[k]])
        let builder = CSVColumnBuilder(name: name, plan: plan, skipFirstRow: skipHeader && k == 0,
                                       expectedRows: chunk.count / averageLine + 16)
        builders[k] = builder
        do { lineCounts[k] = try builder.run(chunk, delimiter: delimiter) } catch { errors[k] = error }
    }
}

/// Parses a large file as a few chunks in parallel, each with its own libcsv parser, and
/// joins the results in file order. Chunks end just after a newline that lies outside any
/// quoted field (an even number of quote characters before it), so every chunk starts at a
/// record boundary; libcsv still does all the tokenizing.
struct CSVChunkedParse {
    var columns: [[Double]]
    var axis: TimeAxis
    var lines: [Int]
    var repeatedHeaderLines: [Int]
    /// Per value column j, cells read after setting aside a currency symbol (2j) or a percent
    /// sign (2j + 1), with absolute lines; empty when there were none.
    var decorated: [DecoratedCells]
    var rowCount: Int { lines.count }

    /// Files smaller than this are read in one piece.
    static let minimumChunkBytes = 4 << 20

    static func run(_ body: UnsafeBufferPointer<UInt8>, delimiter: UInt8, name: String, plan: CSVPlan, skipHeader: Bool) throws -> CSVChunkedParse {
        let processors = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let wanted = min(processors, 8, max(1, body.count / minimumChunkBytes))
        let bounds = chunkBounds(body, count: wanted)
        let averageLine = max(CSVSniffer.firstLineLength(body), 8)

        let jobs = ChunkJobs(body: body, bounds: bounds, delimiter: delimiter, name: name, plan: plan,
                             skipHeader: skipHeader, averageLine: averageLine)
        if bounds.count == 1 {
            jobs.run(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: bounds.count) { jobs.run($0) }
        }
        let builders = (0..<bounds.count).map { jobs.builders[$0] }
        let lineCounts = (0..<bounds.count).map { jobs.lineCounts[$0] }
        let errors = (0..<bounds.count).map { jobs.errors[$0] }

        // The first error in file order wins; its chunk-relative line is made absolute.
        var lineOffset = 0
        for k in bounds.indices {
            if var error = errors[k] as? IngestError {
                if let line = error.line { error.line = line + lineOffset }
                throw error
            } else if let error = errors[k] {
                throw error
            }
            lineOffset += lineCounts[k]
        }

        let parts = builders.map { $0! }
        let total = parts.reduce(0) { $0 + $1.rowCount }
        var columns: [[Double]] = []
        for j in plan.valueFields.indices {
            columns.append(concatenate(parts.map { $0.column(j) }, total: total))
        }
        var lines: [Int] = []
        lines.reserveCapacity(total)
        var repeated: [Int] = []
        var decorated: [DecoratedCells] = []
        lineOffset = 0
        for (k, part) in parts.enumerated() {
            lines.append(contentsOf: part.lines.lazy.map { $0 + lineOffset })
            repeated.append(contentsOf: part.repeatedHeaderLines.map { $0 + lineOffset })
            if !part.decorated.isEmpty {
                if decorated.isEmpty { decorated = Array(repeating: DecoratedCells(), count: part.decorated.count) }
                for (j, cells) in part.decorated.enumerated() where cells.count > 0 {
                    if decorated[j].count == 0 {
                        decorated[j].firstLine = cells.firstLine + lineOffset
                        decorated[j].example = cells.example
                    }
                    decorated[j].count += cells.count
                }
            }
            lineOffset += lineCounts[k]
        }
        let times: [Double] = plan.timeKind == .rowNumber
            ? (0..<total).map(Double.init)
            : concatenate(parts.map { $0.times }, total: total)
        return CSVChunkedParse(columns: columns, axis: makeAxis(plan: plan, parts: parts, times: times, total: total),
                               lines: lines, repeatedHeaderLines: repeated, decorated: decorated)
    }

    private static func concatenate<T>(_ pieces: [UnsafeBufferPointer<T>], total: Int) -> [T] {
        [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            var position = 0
            for piece in pieces {
                guard let source = piece.baseAddress, piece.count > 0 else { continue }
                (buffer.baseAddress! + position).initialize(from: source, count: piece.count)
                position += piece.count
            }
            initialized = position
        }
    }

    private static func makeAxis(plan: CSVPlan, parts: [CSVColumnBuilder], times: [Double], total: Int) -> TimeAxis {
        switch plan.timeKind {
        case .rowNumber, .index:
            return TimeAxis(kind: .index, values: times)
        case .date:
            return TimeAxis(kind: .date, values: times)
        case .dateTime where plan.unixSeconds:
            // Unix seconds name instants: printed in UTC, with a Z.
            let style = TimeAxis.DateTimeStyle(separator: "T", hasSeconds: true,
                                               fractionDigits: parts.map(\.fractionDigits).max() ?? 0, zone: .utc)
            return TimeAxis(kind: .dateTime(style), values: times)
        case .dateTime(let zoned):
            let numericOffset = parts.contains { $0.sawNumericOffset }
            let zone: TimeAxis.Zone = zoned ? (numericOffset ? .offset : .utc) : .none
            let style = TimeAxis.DateTimeStyle(
                separator: Character(UnicodeScalar(parts[0].separator)),
                hasSeconds: parts.contains { $0.sawSeconds },
                fractionDigits: parts.map(\.fractionDigits).max() ?? 0, zone: zone)
            let offsets = zone == .offset ? concatenate(parts.map { $0.offsets }, total: total) : []
            return TimeAxis(kind: .dateTime(style), values: times, utcOffsets: offsets)
        }
    }

    /// Up to `count` consecutive ranges covering `body`, split after unquoted newlines.
    static func chunkBounds(_ body: UnsafeBufferPointer<UInt8>, count: Int) -> [Range<Int>] {
        guard count > 1, let base = body.baseAddress else { return [0..<body.count] }
        var bounds: [Range<Int>] = []
        var start = 0
        var quotes = 0
        var scanned = 0
        func countQuotes(upTo end: Int) {
            while scanned < end {
                guard let hit = memchr(base + scanned, 0x22, end - scanned) else { scanned = end; return }
                quotes += 1
                scanned = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
            }
        }
        for k in 1..<count {
            var cut = max(start, body.count * k / count)
            while cut < body.count {
                guard let newline = memchr(base + cut, 0x0A, body.count - cut) else { cut = body.count; break }
                cut = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
                countQuotes(upTo: cut)
                if quotes % 2 == 0 { break }
            }
            if cut >= body.count { break }
            bounds.append(start..<cut)
            start = cut
        }
        bounds.append(start..<body.count)
        return bounds
    }
}
