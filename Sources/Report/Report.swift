/// Metrics, writers and charts. This module knows nothing of networks or CSV parsing: it takes
/// numbers, strings and timestamps (preformatted strings, or seconds since the Unix epoch).
///
/// - ``computeMetrics(actual:predicted:trainingSeries:season:)`` and ``EvaluationReport`` score
///   forecasts against the naive and seasonal-naive baselines.
/// - ``PredictionsWriter`` and ``MetricsWriter`` write `predictions.csv`, `metrics.json` and
///   `metrics.md`; ``SVGChart`` draws charts; ``HTMLReport`` puts everything in one page.
/// - ``AtomicFile`` is the one way files are written: a reader never sees half a file.
public enum ReportModule {
    public static let name = "Report"
}
