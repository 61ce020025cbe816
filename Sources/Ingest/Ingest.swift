import CLibCSV

/// CSV to tables to scaled windows. Filled in by the ingestion issue.
public enum IngestModule {
    public static let libcsvVersion = "\(CSV_MAJOR).\(CSV_MINOR).\(CSV_RELEASE)"
}
