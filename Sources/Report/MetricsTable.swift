/// A table of formatted metrics, rendered as Markdown by ``MetricsWriter`` and as HTML by
/// ``HTMLReport``. Cells hold plain text; each renderer escapes it.
public struct MetricsTable: Equatable, Sendable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]

    public init(title: String, header: [String], rows: [[String]]) {
        self.title = title
        self.header = header
        self.rows = rows
    }

    /// The tables that describe `report`: the overall metrics (metric rows, model and baseline
    /// columns, and the skill scores); when the forecasts have prediction intervals, the overall
    /// interval metrics per level (see ``intervalTables(for:)``); per horizon step; per target
    /// when there is more than one; per fold when there is more than one.
    public static func tables(for report: EvaluationReport) -> [MetricsTable] {
        let f = { (value: Double?) in NumberFormat.display(value) }
        var tables: [MetricsTable] = []

        let o = report.overall
        let rows: [(String, (MetricSet) -> Double?)] = [
            ("MAE", \.mae), ("RMSE", \.rmse), ("MAPE (%)", \.mape), ("sMAPE (%)", \.smape),
            ("MASE", \.mase), ("R²", \.r2), ("Bias", \.bias),
        ]
        // The classical baseline's column appears when some record carried its forecast.
        let classical = o.classical.count > 0
        var overallRows = rows.map { name, metric in
            [name, f(metric(o.model)), f(metric(o.naive)), f(metric(o.seasonalNaive))] + (classical ? [f(metric(o.classical))] : [])
        }
        overallRows.append(["Points", String(o.model.count), String(o.naive.count), String(o.seasonalNaive.count)]
                           + (classical ? [String(o.classical.count)] : []))
        overallRows.append(["Skill vs baseline (1 − MAE ratio)", "", f(o.skill.vsNaive), f(o.skill.vsSeasonalNaive)]
                           + (classical ? [f(o.skill.vsClassical)] : []))
        tables.append(MetricsTable(
            title: "Overall", header: ["Metric", "Model", "Naive", "Seasonal naive"] + (classical ? ["ETS"] : []), rows: overallRows))
        tables += intervalTables(for: report)

        if !report.perStep.isEmpty {
            tables.append(MetricsTable(
                title: "Per horizon step",
                header: ["Step", "MAE", "MAE naive", "MAE seasonal naive", "RMSE", "MASE",
                         "MASE seasonal naive", "Skill vs seasonal naive"],
                rows: report.perStep.map { s in
                    let m = s.metrics
                    return [String(s.step), f(m.model.mae), f(m.naive.mae), f(m.seasonalNaive.mae),
                            f(m.model.rmse), f(m.model.mase), f(m.seasonalNaive.mase),
                            f(m.skill.vsSeasonalNaive)]
                }))
        }
        if report.perTarget.count > 1 {
            tables.append(MetricsTable(
                title: "Per target",
                header: ["Target", "Points", "MAE", "RMSE", "MASE", "MASE naive", "MASE seasonal naive",
                         "Skill vs naive", "Skill vs seasonal naive"],
                rows: report.perTarget.keys.sorted().map { target in
                    let m = report.perTarget[target]!
                    return [target, String(m.model.count), f(m.model.mae), f(m.model.rmse), f(m.model.mase),
                            f(m.naive.mase), f(m.seasonalNaive.mase), f(m.skill.vsNaive),
                            f(m.skill.vsSeasonalNaive)]
                }))
        }
        if report.perFold.count > 1 {
            tables.append(MetricsTable(
                title: "Per fold",
                header: ["Fold", "From", "To", "MAE", "RMSE", "MASE", "MASE seasonal naive",
                         "Skill vs seasonal naive"],
                rows: report.perFold.map { fold in
                    let m = fold.metrics
                    return [String(fold.fold), fold.firstTimestamp, fold.lastTimestamp, f(m.model.mae),
                            f(m.model.rmse), f(m.model.mase), f(m.seasonalNaive.mase),
                            f(m.skill.vsSeasonalNaive)]
                }))
        }
        return tables
    }

    /// The prediction-interval tables of `report`, none when it has no intervals: one row per
    /// level with the nominal and the empirical coverage (in percent), the mean width, the mean
    /// interval (Winkler) score, MSIS, the pinball loss and the number of points scored; and,
    /// when there is more than one horizon step, the empirical coverage per step and level.
    public static func intervalTables(for report: EvaluationReport) -> [MetricsTable] {
        let intervals = report.overall.intervals
        guard !intervals.isEmpty else { return [] }
        let f = { (value: Double?) in NumberFormat.display(value) }
        let percent = { (fraction: Double?) in NumberFormat.display(fraction.map { $0 * 100 }, significantDigits: 3) }
        var tables = [MetricsTable(
            title: "Prediction intervals",
            header: ["Nominal coverage (%)", "Coverage (%)", "Mean width", "Interval score", "MSIS", "Pinball loss", "Points"],
            rows: intervals.map { m in
                [IntervalBound.percentText(m.level), percent(m.coverage), f(m.meanWidth), f(m.intervalScore), f(m.msis),
                 f(m.pinball), String(m.count)]
            })]
        if report.perStep.count > 1 {
            tables.append(MetricsTable(
                title: "Prediction interval coverage (%) per horizon step",
                header: ["Step"] + intervals.map { IntervalBound.percentText($0.level) + " % interval" },
                rows: report.perStep.map { s in
                    [String(s.step)] + intervals.map { overall in
                        percent(s.metrics.intervals.first { $0.level == overall.level }?.coverage)
                    }
                }))
        }
        return tables
    }

    /// Whether column `index` holds numbers (or `n/a` and empty cells) only; those are right
    /// aligned, the rest (and the first column, which names the row) left aligned.
    func isNumeric(column index: Int) -> Bool {
        index > 0 && rows.allSatisfy { row in
            index >= row.count || row[index].isEmpty || row[index] == "n/a" || Double(row[index]) != nil
        }
    }

    /// The table as GitHub-flavoured Markdown under a `###` heading; number columns are right
    /// aligned, text columns left aligned.
    public var markdown: String {
        var lines = ["### " + Escaping.markdownCell(title), ""]
        lines.append("| " + header.map(Escaping.markdownCell).joined(separator: " | ") + " |")
        lines.append("|" + header.indices.map { isNumeric(column: $0) ? "---:|" : ":---|" }.joined())
        for row in rows {
            lines.append("| " + row.map(Escaping.markdownCell).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as an HTML `<table>` with a `<caption>`, every cell escaped.
    public var html: String {
        var out = "<table>\n<caption>" + Escaping.xml(title) + "</caption>\n<thead><tr>"
        for cell in header { out += "<th>" + Escaping.xml(cell) + "</th>" }
        out += "</tr></thead>\n<tbody>\n"
        let numeric = header.indices.map(isNumeric(column:))
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                if i == 0 {
                    out += "<th scope=\"row\">" + Escaping.xml(cell) + "</th>"
                } else {
                    out += (i < numeric.count && numeric[i] ? "<td>" : "<td class=\"text\">") + Escaping.xml(cell) + "</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}
