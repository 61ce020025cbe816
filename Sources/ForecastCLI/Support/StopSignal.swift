import Foundation

/// SIGINT and SIGTERM ask training to stop after the current batch instead of killing the
/// process; a second signal ends it at once.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []

    var requested: Bool { lock.withLock { count > 0 } }

    static func install() -> StopSignal {
        let stop = StopSignal()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let n = stop.lock.withLock { stop.count += 1; return stop.count }
                if n == 1 {
                    FileHandle.standardError.write(Data("\nstopping after this batch (again to quit now)\n".utf8))
                } else {
                    exit(130)
                }
            }
            source.resume()
            stop.sources.append(source)
        }
        return stop
    }
}
