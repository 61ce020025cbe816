import Foundation

extension Collective {
    /// Every rank's value, in rank order, on every rank: JSON on the wire, with NaN and
    /// infinities kept (a missing actual value is NaN).
    func allGather<T: Codable>(_ value: T) throws -> [T] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try allGather(Array(try encoder.encode(value))).map { try decoder.decode(T.self, from: Data($0)) }
    }
}
