import Forecast
import Foundation
import Testing

@Suite("safetensors codec")
struct SafeTensorsTests {
    let tensors: [String: StoredTensor] = [
        "rnn.weight_ih_l0": StoredTensor(shape: [4, 2], values: [1, -2, 3.5, 0, .pi, -.infinity, 1e-30, 7]),
        "head.bias": StoredTensor(shape: [1], values: [0.25]),
        "scaler.offset": StoredTensor(shape: [0], values: []),
    ]

    func header(_ json: String, data: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        return out + Array(json.utf8) + data
    }

    @Test("round trip keeps every bit, name, shape and metadata entry")
    func roundTrip() throws {
        let bytes = try SafeTensors.encode(tensors: tensors, metadata: ["config": "{\"a\":1}"])
        #expect((bytes.count - 8) % 4 == 0)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let back = try SafeTensors.decode(bytes, name: "m.safetensors")
        #expect(back.tensors == tensors)
        #expect(back.metadata == ["config": "{\"a\":1}"])
    }

    @Test("the header is the documented JSON: dtype F32, shapes and contiguous offsets")
    func headerLayout() throws {
        let bytes = try SafeTensors.encode(tensors: tensors, metadata: [:])
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + n])) as? [String: Any])
        let w = try #require(json["rnn.weight_ih_l0"] as? [String: Any])
        #expect(w["dtype"] as? String == "F32")
        #expect(w["shape"] as? [Int] == [4, 2])
        let b = try #require(json["head.bias"] as? [String: Any])
        #expect(b["data_offsets"] as? [Int] == [0, 4])
        #expect(w["data_offsets"] as? [Int] == [4, 36])
        #expect((json["__metadata__"] as? [String: String])?["data_crc32"] != nil)
    }

    @Test("a file cut short anywhere is rejected")
    func truncation() throws {
        let bytes = try SafeTensors.encode(tensors: tensors, metadata: ["config": "{}"])
        for length in 0..<bytes.count {
            #expect(throws: ModelFileError.self, "cut at \(length)") {
                try SafeTensors.decode(Array(bytes[..<length]), name: "m")
            }
        }
    }

    @Test("any changed byte in the header or data is rejected or changes nothing")
    func mutation() throws {
        let bytes = try SafeTensors.encode(tensors: tensors, metadata: ["config": "{}"])
        var rejected = 0
        for i in 0..<bytes.count {
            for flip: UInt8 in [0x01, 0x80] {
                var m = bytes
                m[i] ^= flip
                do {
                    let c = try SafeTensors.decode(m, name: "m")
                    // A flip inside a tensor name yields a well-formed file with another name; the
                    // model loader rejects names that do not fit the configuration. Anything
                    // else that loads must load the very same tensors.
                    let renamed = Set(c.tensors.keys) != Set(tensors.keys)
                    #expect(renamed || c.tensors == tensors, "byte \(i) flipped with \(flip) loaded different tensors")
                    #expect(!renamed || c.tensors.values.map(\.values).sorted { $0.count < $1.count }
                            == tensors.values.map(\.values).sorted { $0.count < $1.count })
                } catch is ModelFileError {
                    rejected += 1
                }
            }
        }
        #expect(rejected > bytes.count)
    }

    @Test("hostile headers get their own clear error", arguments: [
        ("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", [UInt8](repeating: 0, count: 2), "dtype F16"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", [UInt8](repeating: 0, count: 4), "shape [2] but 4 bytes"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4000000000]}}", [UInt8](repeating: 0, count: 4), "ends at byte"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", [UInt8](repeating: 0, count: 8), "overlaps"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", [UInt8](repeating: 0, count: 8), "gap"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", [UInt8](repeating: 0, count: 8), "belong to no tensor"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", [], "shape"),
        ("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", [UInt8](repeating: 0, count: 4), "invalid shape"),
        ("{\"__metadata__\":{\"k\":1}}", [], "not a string"),
        ("[1,2]", [], "not a JSON object"),
        ("{\"a\":", [], "not valid JSON"),
    ])
    func hostile(json: String, data: [UInt8], expected: String) {
        do {
            _ = try SafeTensors.decode(header(json, data: data), name: "x.safetensors")
            Issue.record("accepted \(json)")
        } catch let e as ModelFileError {
            #expect(e.description.hasPrefix("x.safetensors: "))
            #expect(e.description.contains(expected), "\(e.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a header length larger than the file never allocates what it claims")
    func hugeHeaderLength() {
        var bytes = [UInt8](repeating: 0xFF, count: 8)
        bytes += Array("{}".utf8)
        #expect(throws: ModelFileError(file: "m", message: "header length 18446744073709551615 is out of range")) {
            try SafeTensors.decode(bytes, name: "m")
        }
    }
}
