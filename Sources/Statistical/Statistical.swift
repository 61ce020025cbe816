// Classical forecasting models in Swift, with no networks and no other module of the package:
// seasonality tests and classical decomposition, exponential smoothing in state-space form (ETS)
// with AICc selection, and the Theta method. `Forecast` uses them as parts of its default recipe,
// as candidates, and as a baseline beside naive and seasonal naive in every report.
//
// Every model works on `[Double]` in time order with no missing values; callers fill or drop
// missing values first. Fitting is deterministic: the same series gives the same parameters.
