import Foundation

/// A float32 tensor as stored in a safetensors file.
public struct StoredTensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }
}

/// The safetensors container (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length N, N bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` plus a string-to-string `__metadata__`,
/// then the tensor bytes. This codec writes and reads float32 (`F32`) tensors only.
///
/// Reading trusts nothing: every length and offset is checked against the bytes actually
/// present before anything is allocated or copied, tensors must tile the data region exactly
/// (no gaps, no overlaps), and a CRC-32 of the data stored in the metadata by the writer must match.
public enum SafeTensors {
    /// The largest header accepted (the format's own reference reader uses the same bound).
    public static let maxHeaderBytes = 100_000_000
    static let checksumKey = "data_crc32"
    static let metadataChecksumKey = "metadata_crc32"

    /// CRC-32 of the other metadata entries, in key order, each as key NUL value NUL (UTF-8), so
    /// that a changed configuration is caught like changed weights.
    static func metadataChecksum(_ metadata: [String: String]) -> UInt32 {
        var bytes: [UInt8] = []
        for key in metadata.keys.sorted() where key != checksumKey && key != metadataChecksumKey {
            bytes += Array(key.utf8) + [0] + Array(metadata[key]!.utf8) + [0]
        }
        return CRC32.checksum(bytes)
    }

    public struct Contents: Equatable, Sendable {
        public var tensors: [String: StoredTensor]
        public var metadata: [String: String]
    }

    /// Serializes tensors in name order, header padded with spaces to 8 bytes.
    public static func encode(tensors: [String: StoredTensor], metadata: [String: String]) throws -> [UInt8] {
        var data: [UInt8] = []
        var header: [String: Any] = [:]
        for name in tensors.keys.sorted() {
            let t = tensors[name]!
            let begin = data.count
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [begin, data.count]] as [String: Any]
        }
        var meta = metadata
        meta[metadataChecksumKey] = String(metadataChecksum(metadata))
        meta[checksumKey] = String(CRC32.checksum(data))
        header["__metadata__"] = meta
        var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + data.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out += json
        out += data
        return out
    }

    /// Parses and validates a whole file's bytes; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String) throws -> Contents {
        func fail(_ m: String) -> ModelFileError { ModelFileError(file: name, message: m) }
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, too short for a safetensors header") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n >= 2, n <= UInt64(maxHeaderBytes) else { throw fail("header length \(n) is out of range") }
        guard n <= UInt64(bytes.count - 8) else {
            throw fail("header length \(n) runs past the end of the file (\(bytes.count) bytes); the file is cut short")
        }
        let headerEnd = 8 + Int(n)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = object as? [String: Any] else { throw fail("header is not a JSON object") }
        let dataSize = bytes.count - headerEnd

        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let dict = m as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (k, v) in dict {
                guard let s = v as? String else { throw fail("__metadata__ value for \"\(k)\" is not a string") }
                metadata[k] = s
            }
        }

        var spans: [(begin: Int, end: Int, name: String, shape: [Int])] = []
        for (key, value) in header where key != "__metadata__" {
            guard let entry = value as? [String: Any] else { throw fail("entry \"\(key)\" is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw fail("tensor \(key) has no dtype") }
            guard dtype == "F32" else { throw fail("tensor \(key) has dtype \(dtype); only F32 is supported") }
            guard let rawShape = entry["shape"] as? [Any], let shape = rawShape.map({ $0 as? Int }) as? [Int],
                  rawShape.count <= 8, shape.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) })
            else { throw fail("tensor \(key) has an invalid shape") }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = offsets[0] as? Int, let end = offsets[1] as? Int, begin >= 0, begin <= end
            else { throw fail("tensor \(key) has invalid data_offsets") }
            guard end <= dataSize else {
                throw fail("tensor \(key) ends at byte \(end) but the data section holds \(dataSize) bytes")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            guard !overflow, elements * 4 == end - begin else {
                throw fail("tensor \(key) has shape \(shape) but \(end - begin) bytes")
            }
            spans.append((begin, end, key, shape))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        for s in spans {
            guard s.begin == cursor else {
                throw fail(s.begin < cursor ? "tensor \(s.name) overlaps the tensor before it"
                                            : "gap in the data section before tensor \(s.name)")
            }
            cursor = s.end
        }
        guard cursor == dataSize else { throw fail("data section has \(dataSize - cursor) bytes that belong to no tensor") }

        if let stored = metadata[checksumKey] {
            let actual = bytes.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[headerEnd...])) }
            guard UInt32(stored) == actual else { throw fail("tensor data checksum mismatch: the file is corrupted") }
            metadata[checksumKey] = nil
        }
        if let stored = metadata[metadataChecksumKey] {
            metadata[metadataChecksumKey] = nil
            guard UInt32(stored) == metadataChecksum(metadata) else {
                throw fail("metadata checksum mismatch: the configuration in the file is corrupted")
            }
        }

        var tensors: [String: StoredTensor] = [:]
        for s in spans {
            var values = [Float](repeating: 0, count: (s.end - s.begin) / 4)
            for i in 0..<values.count {
                let o = headerEnd + s.begin + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[s.name] = StoredTensor(shape: s.shape, values: values)
        }
        return Contents(tensors: tensors, metadata: metadata)
    }
}

/// A model file that cannot be used, with the reason; one line.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}
