/// The naive forecast made at `origin`: the last observed value, `series[origin]`, repeated for
/// steps 1 through `horizon`.
///
/// `origin` is the index of the last observation available when the forecast is made, so step
/// `h` forecasts `series[origin + h]`. An `origin` outside `series` gives NaN for every step.
public func naiveForecast(series: [Double], origin: Int, horizon: Int) -> [Double] {
    let last = series.indices.contains(origin) ? series[origin] : .nan
    return [Double](repeating: last, count: max(0, horizon))
}

/// The seasonal naive forecast made at `origin`: step `h` takes the value one season before the
/// time it forecasts, from the last season observed,
/// `series[origin + h - m * ceil(h / m)]`.
///
/// `origin` is the index of the last observation available when the forecast is made, as in
/// ``naiveForecast(series:origin:horizon:)``, which this equals when `season` is 1 (a `season`
/// below 1 is treated as 1). Steps whose source index falls outside `series` (an origin less
/// than one season into the series) are NaN, and so is every step when `origin` is outside
/// `series`.
public func seasonalNaiveForecast(series: [Double], origin: Int, horizon: Int, season: Int) -> [Double] {
    let m = max(1, season)
    guard horizon > 0 else { return [] }
    guard series.indices.contains(origin) else { return [Double](repeating: .nan, count: horizon) }
    return (1...horizon).map { h in
        let source = origin + h - m * ((h + m - 1) / m)
        return source >= 0 ? series[source] : .nan
    }
}
