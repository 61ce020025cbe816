/// The version of swift-forecast: the repository's VERSION file holds the same string (a test
/// keeps them equal), `forecast --version` prints it, and a release is tagged with it.
public let forecastVersion = "0.2.0"
