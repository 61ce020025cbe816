// libFuzzer targets for what strangers hand us: CSV files, date formats and model files.
//
//     scripts/fuzz.sh csv 60        # builds with -sanitize=fuzzer,address, fuzzes for 60 s
//     scripts/fuzz.sh date 60       # a --date-format line, then a CSV read with it
//     .build-fuzz/release/forecast-fuzz model fuzz/corpus/model -max_total_time=60
//
// Every input must end in a value or a thrown error; a crash, hang, leak or out-of-bounds read
// is a bug (ASan and libFuzzer report it and save the input).
import CFuzzDriver
import Forecast
import Foundation

nonisolated(unsafe) var target = ""

let csvTarget: cfd_callback = { data, size in
    let bytes = Array(UnsafeBufferPointer(start: data, count: Int(size)))
    if let table = try? CSVReader.read(bytes: bytes, name: "fuzz.csv") {
        _ = TableSummary(table)
    }
    return 0
}

/// The first line is a `--date-format` value (a pattern, `unix` or `auto`), the rest a CSV file:
/// the pattern compiles or is refused, reads and writes values, and the file is read with the
/// format given and with it as the hint of `.auto`.
let dateTarget: cfd_callback = { data, size in
    let bytes = Array(UnsafeBufferPointer(start: data, count: Int(size)))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let rest = Array(bytes[min(newline + 1, bytes.count)...])
    guard let format = try? CSVOptions.DateFormat(String(decoding: bytes[..<newline], as: UTF8.self)) else { return 0 }
    if case .pattern(let pattern) = format {
        _ = pattern.seconds(String(decoding: rest.prefix(64), as: UTF8.self))
        _ = pattern.example
    }
    var options = CSVOptions()
    options.dateFormat = format
    if let table = try? CSVReader.read(bytes: rest, name: "fuzz.csv", options: options) { _ = TableSummary(table) }
    options.dateFormat = .auto
    options.dateFormatHint = format
    if let table = try? CSVReader.read(bytes: rest, name: "fuzz.csv", options: options) { _ = TableSummary(table) }
    return 0
}

let modelTarget: cfd_callback = { data, size in
    let bytes = Array(UnsafeBufferPointer(start: data, count: Int(size)))
    if let model = try? ForecastModel.decode(bytes, name: "fuzz.safetensors") {
        _ = try? model.encoded()
    }
    return 0
}

var arguments = CommandLine.arguments
guard arguments.count >= 2, ["csv", "date", "model"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: forecast-fuzz csv|date|model [libFuzzer options] [corpus folders]\n".utf8))
    exit(2)
}
target = arguments.remove(at: 1)
var argc = Int32(arguments.count)
var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return cfd_run(&argc, &argv, target == "csv" ? csvTarget : target == "date" ? dateTarget : modelTarget)
}
if status == -1 {
    FileHandle.standardError.write(Data("forecast-fuzz was built without libFuzzer: use scripts/fuzz.sh\n".utf8))
    exit(2)
}
exit(status)
