/// Metrics, writers and charts. This module knows nothing of networks or CSV parsing: it takes
/// numbers, strings and timestamps (preformatted strings, or seconds since the Unix epoch).
///
/// - ``computeMetrics(actual:predicted:trainingSeries:season:)`` scores one forecast;
///   ``EvaluationReport`` scores many ``ForecastRecord``s overall, per target, per horizon step
///   and per fold, beside the naive and seasonal-naive baselines
///   (``naiveForecast(series:origin:horizon:)``,
///   ``seasonalNaiveForecast(series:origin:horizon:season:)``), whose season
///   ``inferSeason(series:maxLag:hint:)`` or ``SamplingFrequency`` supplies.
/// - ``PredictionsWriter`` and ``MetricsWriter`` write `predictions.csv`, `metrics.json` and
///   `metrics.md`; ``SVGChart`` draws charts; ``HTMLReport`` puts everything in one page.
/// - ``AtomicFile`` is the one way files are written: a reader never sees half a file, and a
///   failed write leaves the previous file in place.
public enum ReportModule {
    public static let name = "Report"
}
