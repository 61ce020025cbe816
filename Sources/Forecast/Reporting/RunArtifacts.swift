import Foundation

/// The files a run leaves in its output folder — model, predictions, metrics, charts and the HTML
/// report — built in memory first, so a run that fails before `write` leaves the folder as it
/// was, and each file is then replaced atomically.
public struct RunArtifacts {
    public private(set) var files: [(name: String, bytes: [UInt8])] = []

    public init() {}

    public mutating func add(_ name: String, _ text: String) { files.append((name, Array(text.utf8))) }
    public mutating func add(_ name: String, bytes: [UInt8]) { files.append((name, bytes)) }

    public var names: [String] { files.map(\.name) }

    /// The file in an output folder that lists what forecast wrote there, one name per line.
    public static let manifestName = ".forecast-outputs"

    /// Creates the folder if needed and writes every file atomically. A file that exists but is
    /// not listed in the folder's manifest (so forecast did not write it) is left alone and the
    /// write refused before anything changes, unless `force`.
    public func write(to directory: String, force: Bool = false) throws {
        let fm = FileManager.default
        try Self.makeFolder(directory)
        let manifestPath = (directory as NSString).appendingPathComponent(Self.manifestName)
        let written = Set(((try? String(contentsOfFile: manifestPath, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init))
        if !force {
            for f in files where !written.contains(f.name) {
                let path = (directory as NSString).appendingPathComponent(f.name)
                if fm.fileExists(atPath: path) {
                    throw ForecastError.wouldOverwrite("\(path) exists and was not written by forecast; pass --force to replace it")
                }
            }
        }
        for f in files { try AtomicFile.write(f.bytes, to: (directory as NSString).appendingPathComponent(f.name)) }
        let manifest = written.union(names).sorted().joined(separator: "\n") + "\n"
        try AtomicFile.write(Array(manifest.utf8), to: manifestPath)
    }

    /// Checks, before any work, that `directory` can receive a run's files: it is a folder in
    /// which a file can be created, or it is missing and its nearest existing parent is such a
    /// folder. Throws ``ForecastError/fileSystem(_:)`` naming the path and the reason in plain
    /// words, so that a bad `--out` stops a run before it trains rather than after. Creates
    /// nothing that stays: a run that fails later leaves no empty output folder behind.
    public static func checkWritable(_ directory: String) throws {
        let (existing, isFolder) = nearestExisting(directory)
        guard isFolder else { throw notAFolder(directory, existing) }
        let probe = (existing as NSString).appendingPathComponent(".forecast-write-check-\(getpid())")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            let reason = String(cString: strerror(errno)).lowercased()
            throw ForecastError.fileSystem(existing == directory ? "cannot write in \(directory): \(reason)"
                                                                 : "cannot create the folder \(directory): \(existing): \(reason)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// Creates `directory` and its parents as needed, with a one-line error in plain words.
    static func makeFolder(_ directory: String) throws {
        // A file where the folder or a parent should be is the common failure, and Foundation's
        // error for it names no reason: look for it first.
        let (existing, isFolder) = nearestExisting(directory)
        guard isFolder else { throw notAFolder(directory, existing) }
        guard existing != directory else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ForecastError.fileSystem("cannot create the folder \(directory): \(plainReason(error))")
        }
    }

    /// `path` when it exists, else its nearest existing parent (`.` for a relative path none of
    /// whose parents exist), and whether that is a folder.
    static func nearestExisting(_ path: String) -> (path: String, isFolder: Bool) {
        var isFolder: ObjCBool = false
        var existing = path
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder) {
            let parent = (existing as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != existing else {
                return (".", FileManager.default.fileExists(atPath: ".", isDirectory: &isFolder) && isFolder.boolValue)
            }
            existing = parent
        }
        return (existing, isFolder.boolValue)
    }

    /// The error for an output folder `directory` when `existing` (it, or its nearest existing
    /// parent) is a file.
    static func notAFolder(_ directory: String, _ existing: String) -> ForecastError {
        .fileSystem(existing == directory ? "\(directory) exists and is not a folder; choose another --out"
                                          : "cannot create the folder \(directory): \(existing) is a file, not a folder")
    }

    /// A Foundation file error as the few words a user needs ("permission denied", "a file
    /// with that name is in the way", "no space left on device").
    static func plainReason(_ error: Error) -> String {
        let ns = error as NSError
        let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
            ?? (ns.domain == NSPOSIXErrorDomain ? Int32(ns.code) : nil)
        if let posix {
            switch posix {
            case EEXIST, ENOTDIR: return "a file with that name is in the way"
            default: return String(cString: strerror(posix)).lowercased()
            }
        }
        switch ns.code {
        case NSFileWriteNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on device"
        case NSFileWriteVolumeReadOnlyError: return "read-only file system"
        case NSFileWriteFileExistsError: return "a file with that name is in the way"
        default: return ns.localizedDescription
        }
    }

    /// model.safetensors, loss.svg, and — when the run held rows out — predictions.csv,
    /// metrics.json, metrics.md, forecast.svg and report.html for the held-out rows.
    public static func training(model: ForecastModel, history: TrainingHistory, evaluation: EvaluationResult?,
                                table: Table, source: String) throws -> RunArtifacts {
        var a = RunArtifacts()
        a.add("model.safetensors", bytes: try model.encoded())
        let loss = lossChart(history, lossName: model.config.loss)
        a.add("loss.svg", loss.render())
        var figures = [HTMLReport.Figure(caption: "Training and validation loss per epoch", chart: loss)]
        if let evaluation {
            a.addEvaluation(evaluation.records, evaluation.report)
            let target = model.config.targets[0]
            let chart = forecastChart(table: table, records: evaluation.records, target: target,
                                      title: "\(target): validation forecasts from \(evaluation.origins.count) origin(s)")
            a.add("forecast.svg", chart.render())
            figures.insert(HTMLReport.Figure(caption: "Actual and forecast values on the validation rows", chart: chart), at: 0)
        }
        let report = HTMLReport(title: "Training report: \(source)",
                                subtitle: "\(model.config.cell.rawValue.uppercased()) on \(model.config.targets.joined(separator: ", "))",
                                configuration: configurationRows(model.config, extra: model.info.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                                notes: notes(table), evaluation: evaluation?.report, figures: figures)
        a.add("report.html", report.render())
        return a
    }

    /// predictions.csv, metrics.json, metrics.md, backtest.svg, loss.svg (first fold that trained),
    /// report.html, and the last fold's model.
    public static func backtest(_ result: BacktestResult, lastModel: ForecastModel?, config: ForecastConfig,
                                table: Table, source: String, notes: [String] = []) throws -> RunArtifacts {
        var a = RunArtifacts()
        a.addEvaluation(result.records, result.report)
        var figures: [HTMLReport.Figure] = []
        for target in config.targets {
            let series = try table.column(named: target)
            let stamps = (0..<table.rowCount).map { table.timeString(at: $0) }
            let start = max(0, (result.folds.first?.origin ?? 0) - 3 * config.horizon - config.timesteps)
            let folds = Report.BacktestFold.folds(from: result.records, target: target, timestamps: Array(stamps[start...]))
            let chart = SVGChart.backtest(title: "\(target): backtest, \(result.folds.count) folds", timestamps: Array(stamps[start...]),
                                          actual: Array(series[start...]), folds: folds)
            let name = config.targets.count == 1 ? "backtest.svg" : "backtest-\(fileSafe(target)).svg"
            a.add(name, chart.render())
            let intervals = folds.contains { !$0.bands.isEmpty } ? ", shaded by its prediction intervals" : ""
            figures.append(HTMLReport.Figure(caption: "\(target): actual values and each fold's forecast\(intervals)", chart: chart))
        }
        if let (_, history) = result.histories.min(by: { $0.key < $1.key }) {
            let loss = lossChart(history, lossName: config.loss)
            a.add("loss.svg", loss.render())
            figures.append(HTMLReport.Figure(caption: "Training and validation loss of the first fold", chart: loss))
        }
        let first = result.folds.first!, last = result.folds.last!
        let extra: [(String, String)] = [
            ("folds", "\(result.folds.count)"),
            ("first origin", table.timeString(at: first.origin)),
            ("last origin", table.timeString(at: last.origin)),
            ("season (seasonal naive, MASE)", "\(result.season)"),
        ]
        let report = HTMLReport(title: "Backtest report: \(source)",
                                subtitle: "\(config.cell.rawValue.uppercased()) forecasting \(config.targets.joined(separator: ", ")), horizon \(config.horizon)",
                                configuration: configurationRows(config, extra: extra), notes: Self.notes(table) + notes,
                                evaluation: result.report, figures: figures)
        a.add("report.html", report.render())
        if let lastModel { a.add("model.safetensors", bytes: try lastModel.encoded()) }
        return a
    }

    public mutating func addEvaluation(_ records: [ForecastRecord], _ report: EvaluationReport) {
        add("predictions.csv", PredictionsWriter.csv(records))
        add("metrics.json", (try? MetricsWriter.json(report)) ?? "{}")
        add("metrics.md", MetricsWriter.markdown(report))
    }

    /// The table's warnings and, when a missing-value policy acted, what it did.
    public static func notes(_ table: Table) -> [String] {
        var notes = table.warnings
        if let m = table.missingReport, m.missingCells > 0 {
            notes.append("\(m.missingCells) missing cells handled by \(m.policy.rawValue): \(m.filledCells) filled, \(m.droppedRows) rows dropped")
        }
        return notes
    }

    static func lossChart(_ history: TrainingHistory, lossName: String) -> SVGChart {
        let train = history.epochs.map(\.trainLoss)
        let validation = history.epochs.compactMap(\.validationLoss)
        let positive = (train + validation).allSatisfy { $0 > 0 }
        return SVGChart.lossCurves(title: "Loss (\(lossName), scaled units)", training: train, validation: validation,
                                   logScale: positive, lossName: lossName.uppercased())
    }

    /// The actual values of `target` from a few horizons before its first record on, with the
    /// records' forecasts and prediction-interval bands over them. Where several records forecast
    /// the same time, the step-1 record is shown (else the first one).
    public static func forecastChart(table: Table, records: [ForecastRecord], target: String, title: String) -> SVGChart {
        let mine = records.filter { $0.target == target && $0.step >= 1 }
        let series = (try? table.column(named: target)) ?? []
        let firstStamp = mine.first?.timestamp
        let firstRow = (0..<table.rowCount).first { table.timeString(at: $0) == firstStamp } ?? table.rowCount
        let start = max(0, firstRow - 3 * max(1, mine.count))
        var byStamp: [String: ForecastRecord] = [:]
        for r in mine where r.step == 1 || byStamp[r.timestamp] == nil { byStamp[r.timestamp] = r }
        let shown = (start..<table.rowCount).map { byStamp[table.timeString(at: $0)] }
        return SVGChart.actualVsPredicted(title: title, timestamps: (start..<table.rowCount).map { table.timeString(at: $0) },
                                          actual: Array(series[start...]), predicted: shown.map { $0?.predicted ?? .nan },
                                          bands: IntervalBand.bands(along: shown.map { $0?.bounds ?? [] }),
                                          origin: firstRow - start, yLabel: target)
    }

    public static func configurationRows(_ c: ForecastConfig, extra: [(String, String)]) -> [(String, String)] {
        [("targets", c.targets.joined(separator: ", ")), ("inputs", c.inputs.joined(separator: ", ")),
         ("timesteps", "\(c.timesteps)"), ("horizon", "\(c.horizon)"), ("cell", c.cell.rawValue),
         ("hidden", "\(c.hidden)"), ("layers", "\(c.layers)"), ("bidirectional", "\(c.bidirectional)"),
         ("dropout", "\(c.dropout)"), ("scaler", c.scaler), ("loss", c.loss), ("optimizer", c.optimizer),
         ("learning rate", "\(c.learningRate)"), ("epochs (max)", "\(c.epochs)"), ("batch size", "\(c.batchSize)"),
         ("patience", c.patience.map(String.init) ?? "none"), ("gradient clip", c.gradientClip.map { "\($0)" } ?? "none"),
         ("validation fraction", "\(c.validationFraction)"), ("missing values", c.missing),
         ("calendar features", (c.calendar ?? []).isEmpty ? "none" : c.calendar!.joined(separator: ", ")),
         ("residual (predict the change)", "\(c.residual)"), ("seed", "\(c.seed)")] + extra
    }

    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
