import Forecast
import Foundation

/// What `forecast train` leaves in its output folder when it is interrupted: the data file (with
/// a checksum, so a changed file is refused), the configuration and the trainer's state at the
/// last finished batch. `forecast train --resume FOLDER` continues from it.
struct TrainingCheckpoint: Codable {
    static let fileName = "checkpoint.json"
    static let format = "swift-forecast-checkpoint"

    var format = Self.format
    var formatVersion = 1
    let file: String
    let dataCRC32: UInt32
    let config: ForecastConfig
    let state: TrainingState
    /// `--sort` was given; nil (false) in checkpoints written before it existed.
    let sort: Bool?

    init(file: String, config: ForecastConfig, state: TrainingState, sort: Bool) throws {
        self.file = URL(fileURLWithPath: file).standardizedFileURL.path
        dataCRC32 = try Self.checksum(of: file)
        self.config = config
        self.state = state
        self.sort = sort ? true : nil
    }

    static func checksum(of file: String) throws -> UInt32 {
        CRC32.checksum(try Data(contentsOf: URL(fileURLWithPath: file)))
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// Reads FOLDER/checkpoint.json and checks that its data file is unchanged.
    static func read(folder: String) throws -> TrainingCheckpoint {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("\(path): no checkpoint to resume from (it is written when training is interrupted)")
        }
        let checkpoint: TrainingCheckpoint
        do {
            checkpoint = try JSONDecoder().decode(TrainingCheckpoint.self, from: data)
        } catch {
            throw CheckpointError("\(path): not a readable checkpoint (\(error.localizedDescription))")
        }
        guard checkpoint.format == format, checkpoint.formatVersion == 1 else {
            throw CheckpointError("\(path): not a swift-forecast checkpoint of a known version")
        }
        guard FileManager.default.fileExists(atPath: checkpoint.file) else {
            throw CheckpointError("\(path): its data file \(checkpoint.file) is gone")
        }
        guard try checksum(of: checkpoint.file) == checkpoint.dataCRC32 else {
            throw CheckpointError("\(path): \(checkpoint.file) changed since training was interrupted; start a new run instead")
        }
        try checkpoint.config.validate()
        return checkpoint
    }
}

struct CheckpointError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
