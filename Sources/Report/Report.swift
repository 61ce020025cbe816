/// Metrics, writers and charts. This module knows nothing of networks: it takes numbers and
/// timestamps. Filled in by the forecaster issue.
public enum ReportModule {
    public static let name = "Report"
}
