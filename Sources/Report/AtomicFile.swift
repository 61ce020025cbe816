#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that readers never see half done.
///
/// The bytes go to a temporary file in the destination's folder (named `.NAME.tmp-PID-RANDOM`),
/// which is flushed to disk with `fsync` and then renamed over the destination; the folder is
/// synced too, so the rename survives a crash. If anything fails, the destination keeps its old
/// content (or stays absent) and the temporary file is removed.
///
/// A new file gets mode `0666` less the process umask; a replaced file keeps its mode.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`.
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { sink in try sink.write(bytes) }
    }

    /// Replaces the file at `path` with the UTF-8 encoding of `string`.
    ///
    /// - Throws: ``AtomicFileError``.
    public static func write(_ string: String, to path: String) throws {
        try write(Array(string.utf8), to: path)
    }

    /// Replaces the file at `path` with what `body` writes to the sink, for output produced in
    /// pieces. If `body` throws, the destination is left as it was and the error is rethrown
    /// unchanged.
    ///
    /// - Throws: ``AtomicFileError``, or what `body` throws.
    public static func write(to path: String, _ body: (inout Sink) throws -> Void) throws {
        let (directory, name) = split(path)
        var st = stat()
        let existingMode: mode_t? = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
            ? st.st_mode & 0o7777 : nil

        var (fd, tempPath) = try createTemporary(directory: directory, name: name, destination: path)
        var sink = Sink(fd: fd, path: tempPath)
        func abandon() {
            if fd >= 0 { close(fd); fd = -1 }
            unlink(tempPath)
        }
        do {
            try body(&sink)
        } catch {
            abandon()
            throw error
        }
        do throws(AtomicFileError) {
            try sink.flush()
            if let existingMode, fchmod(fd, existingMode) != 0 {
                throw AtomicFileError.system(path: path, operation: "chmod")
            }
            if fsync(fd) != 0 { throw AtomicFileError.system(path: path, operation: "fsync") }
            let closed = close(fd)
            fd = -1
            if closed != 0 { throw AtomicFileError.system(path: path, operation: "close") }
            if rename(tempPath, path) != 0 { throw AtomicFileError.system(path: path, operation: "rename") }
        } catch {
            abandon()
            throw error
        }
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    /// Where ``AtomicFile/write(to:_:)`` bodies put their bytes. Writes are buffered.
    public struct Sink: ~Copyable {
        let fd: Int32
        let path: String
        private var buffer: [UInt8] = []

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(1 << 16)
        }

        /// Appends `bytes` to the file.
        public mutating func write(_ bytes: some Collection<UInt8>) throws(AtomicFileError) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { try flush() }
        }

        /// Appends the UTF-8 encoding of `string` to the file.
        public mutating func write(_ string: String) throws(AtomicFileError) {
            try write(string.utf8)
        }

        mutating func flush() throws(AtomicFileError) {
            var offset = 0
            while offset < buffer.count {
                let n = buffer.withUnsafeBytes { raw in
                    systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFileError.system(path: path, operation: "write")
                }
                offset += n
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func createTemporary(
        directory: String, name: String, destination: String
    ) throws(AtomicFileError) -> (Int32, String) {
        let prefix = (directory == "/" ? "" : directory) + "/." + name + ".tmp-\(getpid())-"
        for _ in 0..<16 {
            let candidate = prefix + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { return (fd, candidate) }
            if errno != EEXIST {
                throw AtomicFileError.system(path: destination, operation: "create temporary file in \(directory)")
            }
        }
        throw AtomicFileError(path: destination, operation: "create temporary file", reason: "too many name collisions")
    }
}

/// A failed ``AtomicFile`` write: which file, which step, and why.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The destination path.
    public var path: String
    /// The step that failed, such as `rename`.
    public var operation: String
    /// The system's explanation (`strerror`) or the error thrown by the writer.
    public var reason: String

    public init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    static func system(path: String, operation: String) -> AtomicFileError {
        AtomicFileError(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }

    public var description: String { "cannot write \(path): \(operation) failed: \(reason)" }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
