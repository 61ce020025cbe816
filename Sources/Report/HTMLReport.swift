/// One self-contained HTML page: title, notes and warnings, the metric tables, the charts
/// inlined as SVG, and the run's configuration. Plain CSS in a `<style>` element, no scripts,
/// no external assets; all text is escaped, and the markup is well-formed XML as well as HTML.
public struct HTMLReport: Sendable {
    /// A chart and its caption.
    public struct Figure: Sendable {
        public var caption: String
        /// SVG markup, inserted as is: it must come from ``SVGChart/render()`` or another trusted
        /// generator, never from user text. A leading XML declaration is dropped.
        public var svg: String

        public init(caption: String, svg: String) {
            self.caption = caption
            self.svg = svg
        }

        public init(caption: String, chart: SVGChart) {
            self.init(caption: caption, svg: chart.render())
        }
    }

    public var title: String
    /// A line under the title, such as the data file and the time of the run.
    public var subtitle: String
    /// The configuration as key/value rows, in the order given.
    public var configuration: [(String, String)]
    /// Notes and warnings (missing values filled, folds skipped, ...), one list item each.
    public var notes: [String]
    /// The metrics to show as tables (see ``MetricsTable/tables(for:)``), if any; when their
    /// prediction intervals' coverage is far from nominal, a warning line under the summary
    /// says so (see ``intervalWarning(_:)``).
    public var evaluation: EvaluationReport?
    public var figures: [Figure]
    /// Further tables, shown after the metrics.
    public var extraTables: [MetricsTable]

    public init(
        title: String, subtitle: String = "", configuration: [(String, String)] = [], notes: [String] = [],
        evaluation: EvaluationReport? = nil, figures: [Figure] = [], extraTables: [MetricsTable] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.configuration = configuration
        self.notes = notes
        self.evaluation = evaluation
        self.figures = figures
        self.extraTables = extraTables
    }

    /// The page's HTML text.
    public func render() -> String {
        let e = Escaping.xml
        var html = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(e(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <h1>\(e(title))</h1>

            """
        if !subtitle.isEmpty { html += "<p class=\"subtitle\">\(e(subtitle))</p>\n" }
        if let evaluation, let summary = Self.summary(evaluation) {
            html += "<p class=\"summary\">\(e(summary))</p>\n"
        }
        if let evaluation, let warning = Self.intervalWarning(evaluation) {
            // Styled in place rather than in the stylesheet, so pages without a warning keep the
            // same bytes.
            html += "<p class=\"warning\" style=\"\(Self.warningStyle)\">\(e(warning))</p>\n"
        }
        if !notes.isEmpty {
            html += "<section class=\"notes\">\n<h2>Notes</h2>\n<ul>\n"
            for note in notes { html += "<li>\(e(note))</li>\n" }
            html += "</ul>\n</section>\n"
        }
        let tables = (evaluation.map(MetricsTable.tables(for:)) ?? []) + extraTables
        if !tables.isEmpty {
            html += "<section>\n<h2>Metrics</h2>\n"
            for table in tables { html += table.html }
            html += "</section>\n"
        }
        if !figures.isEmpty {
            html += "<section>\n<h2>Charts</h2>\n"
            for figure in figures {
                html += "<figure>\n" + Self.strippingXMLDeclaration(figure.svg)
                html += "<figcaption>\(e(figure.caption))</figcaption>\n</figure>\n"
            }
            html += "</section>\n"
        }
        if !configuration.isEmpty {
            html += "<section>\n<h2>Configuration</h2>\n<table class=\"config\">\n<tbody>\n"
            for (key, value) in configuration {
                html += "<tr><th scope=\"row\">\(e(key))</th><td>\(e(value))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n</section>\n"
        }
        return html + "</body>\n</html>\n"
    }

    /// Writes ``render()`` to `path` atomically.
    ///
    /// - Throws: ``AtomicFileError``.
    public func write(to path: String) throws {
        try AtomicFile.write(render(), to: path)
    }

    /// One sentence comparing the model with the seasonal naive baseline, if both were scored.
    static func summary(_ report: EvaluationReport) -> String? {
        let o = report.overall
        guard o.model.count > 0 else { return nil }
        var parts = ["\(o.model.count) forecast points"]
        if let mase = o.model.mase { parts.append("model MASE " + NumberFormat.display(mase)) }
        if let mase = o.seasonalNaive.mase { parts.append("seasonal naive MASE " + NumberFormat.display(mase)) }
        if o.classical.count > 0, let mase = o.classical.mase { parts.append("ETS MASE " + NumberFormat.display(mase)) }
        if let skill = o.skill.vsSeasonalNaive {
            parts.append("skill vs seasonal naive " + NumberFormat.display(skill * 100, significantDigits: 3) + " %")
        }
        if let skill = o.skill.vsNaive {
            parts.append("skill vs naive " + NumberFormat.display(skill * 100, significantDigits: 3) + " %")
        }
        return parts.joined(separator: "; ") + "."
    }

    /// One line naming the interval levels whose overall coverage is far from nominal, by the
    /// rule of ``IntervalMetrics/coverageIsFarFromNominal`` (more than 10 points below or above
    /// the level, with at least 20 points scored); `nil` when there is none.
    public static func intervalWarning(_ report: EvaluationReport) -> String? {
        let off = report.overall.intervals.filter(\.coverageIsFarFromNominal)
        guard !off.isEmpty else { return nil }
        let parts = off.map { m in
            let coverage = NumberFormat.display((m.coverage ?? 0) * 100, significantDigits: 3)
            let verdict = (m.coverage ?? 0) < m.level ? "too narrow" : "too wide"
            return "the \(IntervalBound.percentText(m.level)) % intervals held \(coverage) % of \(m.count) actuals (\(verdict))"
        }
        let tolerance = NumberFormat.display(IntervalMetrics.coverageTolerance * 100)
        return "Warning: prediction interval coverage is more than \(tolerance) points off nominal: " + parts.joined(separator: "; ") + "."
    }

    static let warningStyle = "background: #fdf1f0; border-left: 4px solid #d62728; padding: 0.6em 0.8em;"

    static func strippingXMLDeclaration(_ svg: String) -> String {
        var text = Substring(svg)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        if text.hasPrefix("<?xml"), let end = text.firstRange(of: "?>") {
            text = text[end.upperBound...]
        }
        return String(text)
    }

    static let css = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 980px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
        .subtitle { color: #666; margin-top: 0; }
        .summary { background: #f4f8fb; border-left: 4px solid #1f77b4; padding: 0.6em 0.8em; }
        .notes li { margin: 0.2em 0; }
        table { border-collapse: collapse; margin: 0.8em 0 1.4em; font-size: 0.92em; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
        th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        td.text { text-align: left; }
        thead th { background: #f3f3f3; }
        tbody th { text-align: left; font-weight: normal; }
        table.config td { text-align: left; font-family: "DejaVu Sans Mono", Menlo, monospace; }
        figure { margin: 1em 0 2em; }
        figure svg { max-width: 100%; height: auto; }
        figcaption { color: #555; font-size: 0.9em; }
        """
}
