/// The colors the ready-made charts use (the first of matplotlib's "tab10").
enum ChartColor {
    static let actual = "#222222"
    static let forecast = "#1f77b4"
    static let alternate = "#ff7f0e"
    static let validation = "#d62728"
    static let origin = "#7f7f7f"
}

/// A prediction interval at one level along a forecast: `lower[i] ... upper[i]` belongs to the
/// same position as the forecast's `i`-th value, NaN where there is no interval.
public struct IntervalBand: Equatable, Sendable {
    /// The nominal coverage, as a fraction (0.8 for an 80 % interval).
    public var level: Double
    public var lower: [Double]
    public var upper: [Double]

    public init(level: Double, lower: [Double], upper: [Double]) {
        self.level = level
        self.lower = lower
        self.upper = upper
    }

    /// The bands of a forecast whose `i`-th position has the intervals `bounds[i]`: one band per
    /// level that occurs anywhere, by ascending level, NaN at positions without that level.
    /// Empty when no position has an interval.
    public static func bands(along bounds: [[IntervalBound]]) -> [IntervalBand] {
        let levels = Set(bounds.joined().map(\.level)).sorted()
        return levels.map { level in
            var band = IntervalBand(level: level, lower: [Double](repeating: .nan, count: bounds.count),
                                    upper: [Double](repeating: .nan, count: bounds.count))
            for (i, intervals) in bounds.enumerated() {
                guard let b = intervals.first(where: { $0.level == level }) else { continue }
                band.lower[i] = b.lower
                band.upper[i] = b.upper
            }
            return band
        }
    }
}

/// One backtest fold's forecast, for ``SVGChart/backtest(title:timestamps:actual:folds:history:yLabel:)``.
public struct BacktestFold: Equatable, Sendable {
    public var fold: Int
    /// The index of the last observation the fold's forecast was made from.
    public var origin: Int
    /// The forecasts for indices `origin + 1`, `origin + 2`, ...; NaN where there is none.
    public var predicted: [Double]
    /// The forecasts' prediction intervals, aligned with ``predicted``, by ascending level
    /// (empty when the forecasts have none).
    public var bands: [IntervalBand]

    public init(fold: Int, origin: Int, predicted: [Double], bands: [IntervalBand] = []) {
        self.fold = fold
        self.origin = origin
        self.predicted = predicted
        self.bands = bands
    }

    /// The folds of `records` for `target`, placed on the series by looking each record's
    /// timestamp up in `timestamps`. A fold's origin is the least `index - step` of its records,
    /// and its bands hold the records' ``ForecastRecord/bounds``. Records whose timestamp is not
    /// in `timestamps` are left out. Folds come in ascending order.
    public static func folds(from records: [ForecastRecord], target: String, timestamps: [String]) -> [BacktestFold] {
        var position: [String: Int] = [:]
        for (i, t) in timestamps.enumerated() where position[t] == nil { position[t] = i }
        var placed: [Int: [(index: Int, record: ForecastRecord)]] = [:]
        for r in records where r.target == target {
            guard let i = position[r.timestamp] else { continue }
            placed[r.fold, default: []].append((i, r))
        }
        return placed.keys.sorted().map { fold in
            let points = placed[fold]!
            let origin = points.map { $0.index - $0.record.step }.min()!
            let end = points.map(\.index).max()!
            var predicted = [Double](repeating: .nan, count: Swift.max(0, end - origin))
            var bounds = [[IntervalBound]](repeating: [], count: predicted.count)
            for p in points where p.index > origin {
                predicted[p.index - origin - 1] = p.record.predicted
                bounds[p.index - origin - 1] = p.record.bounds
            }
            return BacktestFold(fold: fold, origin: origin, predicted: predicted, bands: IntervalBand.bands(along: bounds))
        }
    }
}

extension SVGChart {
    /// Actual values and a forecast on one time axis, with the forecast origin marked by a
    /// vertical line and the forecast's prediction intervals shaded beneath it.
    ///
    /// `actual`, `predicted` and each of `bands` are aligned with `timestamps` (which label the
    /// x axis): NaN where a value does not exist, such as the forecast before the origin or the
    /// actuals of the future. `origin` is the index of the last observation the forecast was
    /// made from. Of several bands, the widest and the narrowest level are drawn (see
    /// ``intervalBands(_:x:color:)``). Pass the slice worth looking at (a few horizons of
    /// history, say), not a decade of data.
    public static func actualVsPredicted(
        title: String, timestamps: [String], actual: [Double], predicted: [Double], bands: [IntervalBand] = [],
        origin: Int?, yLabel: String = ""
    ) -> SVGChart {
        let n = Swift.max(timestamps.count, actual.count, predicted.count)
        let x = (0..<n).map(Double.init)
        return SVGChart(
            title: title, yLabel: yLabel,
            series: [
                Series(name: "Actual", x: x, y: actual, color: ChartColor.actual),
                Series(name: "Forecast", x: x, y: predicted, color: ChartColor.forecast, lineWidth: 2),
            ],
            bands: intervalBands(bands, x: x, color: ChartColor.forecast),
            markers: origin.map { [Marker(x: Double($0), label: "Forecast origin", color: ChartColor.origin)] } ?? [],
            xCategories: timestamps)
    }

    /// The chart bands for a forecast's prediction intervals at positions `x`, named like
    /// "80 % interval".
    ///
    /// At most two levels are drawn, so that the picture stays readable: the widest (highest)
    /// level, lighter, and over it the narrowest, darker; levels in between are left out. Bands
    /// without a single finite interval are skipped, so they take no shade and no legend entry.
    public static func intervalBands(_ bands: [IntervalBand], x: [Double], color: String) -> [Band] {
        let sorted = bands.filter { b in zip(b.lower, b.upper).contains { $0.isFinite && $1.isFinite } }
            .sorted { $0.level > $1.level }
        // One band alone gets the middle shade; of two, the wide one is lighter, and the narrow one,
        // drawn over it, adds up to about twice as dark.
        let drawn = sorted.count > 1 ? [(sorted.first!, 0.14), (sorted.last!, 0.24)] : sorted.map { ($0, 0.2) }
        return drawn.map { band, opacity in
            Band(name: IntervalBound.percentText(band.level) + " % interval", x: x, lower: band.lower, upper: band.upper,
                 color: color, opacity: opacity)
        }
    }


    /// The actual series with every backtest fold's forecast over it, folds in alternating
    /// colors, each fold's origin marked by a vertical line in its color, and each fold's
    /// prediction intervals (its ``BacktestFold/bands``) shaded beneath its forecast in its color,
    /// the widest and the narrowest level as in ``intervalBands(_:x:color:)``.
    ///
    /// With `history`, the chart starts that many observations before the first fold's origin
    /// instead of at the beginning of the series, so that the folds are not squeezed into a
    /// corner of a long series.
    public static func backtest(
        title: String, timestamps: [String], actual: [Double], folds: [BacktestFold], history: Int? = nil,
        yLabel: String = ""
    ) -> SVGChart {
        let n = Swift.max(timestamps.count, actual.count)
        let start = history.flatMap { h in folds.map(\.origin).min().map { Swift.max(0, Swift.min(n, $0 - h)) } } ?? 0
        var series = [Series(name: "Actual", x: (start..<n).map(Double.init), y: Array(actual[Swift.min(start, actual.count)...]),
                             color: ChartColor.actual, lineWidth: 1.2)]
        var bands: [Band] = []
        var markers: [Marker] = []
        for (k, fold) in folds.enumerated() {
            let even = k % 2 == 0
            let color = even ? ChartColor.forecast : ChartColor.alternate
            let x = fold.predicted.indices.map { Double(fold.origin + 1 + $0) }
            series.append(Series(
                name: even ? "Forecast (folds 1, 3, 5, …)" : "Forecast (folds 2, 4, 6, …)",
                x: x, y: fold.predicted, color: color, lineWidth: 2))
            bands += intervalBands(fold.bands, x: x, color: color)
            markers.append(Marker(x: Double(fold.origin), label: "Fold origin", color: color))
        }
        return SVGChart(title: title, yLabel: yLabel, series: series, bands: bands, markers: markers, xCategories: timestamps)
    }

    /// Training and validation loss by epoch (epochs numbered from 1), optionally on a
    /// logarithmic y axis. Pass an empty `validation` when there is none.
    public static func lossCurves(
        title: String, training: [Double], validation: [Double] = [], logScale: Bool = false, lossName: String = "Loss"
    ) -> SVGChart {
        var series = [Series(name: "Training", x: training.indices.map { Double($0 + 1) }, y: training,
                             color: ChartColor.forecast, lineWidth: 2)]
        if !validation.isEmpty {
            series.append(Series(name: "Validation", x: validation.indices.map { Double($0 + 1) }, y: validation,
                                 color: ChartColor.validation, lineWidth: 2))
        }
        return SVGChart(title: title, xLabel: "Epoch", yLabel: logScale ? lossName + " (log scale)" : lossName,
                        series: series, integerX: true, logScaleY: logScale)
    }
}
