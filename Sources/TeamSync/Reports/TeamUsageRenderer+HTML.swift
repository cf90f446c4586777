import AccountModels
import Foundation

extension TeamUsageRenderer {
    /// One self-contained HTML page: the team's warnings, then ``htmlSection(_:)``. Inline CSS and SVG only, no
    /// scripts and no external assets; every piece of text is escaped.
    public static func html(_ report: TeamUsageReport) -> String {
        var page = HTMLPage()
        let title = "Allocation usage: team \(report.team)"
        page.line("<!DOCTYPE html>")
        page.line("<html lang=\"en\">")
        page.line("<head>")
        page.line("<meta charset=\"utf-8\">")
        page.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.line("<title>\(escape("\(title), \(CalendarDay(utcDayOf: report.generatedAt))"))</title>")
        page.line("<style>\(stylesheet)</style>")
        page.line("</head>")
        page.line("<body>")
        page.line("<h1>\(escape(title))</h1>")
        var meta = [
            "generated \(UsageRenderer.timestamp(report.generatedAt))",
            "facilities " + report.facilities.map(\.facility).joined(separator: ", "),
            "allocation year \(report.allocationYear.start) to \(report.allocationYear.end)",
        ]
        if let warnAt = report.warnAt { meta.append("warning threshold \(UsageUnits.percent(warnAt))") }
        page.line("<p class=\"meta\">\(meta.map(escape).joined(separator: " &middot; "))</p>")
        if !report.warnings.isEmpty {
            page.line(
                "<div class=\"warnings\"><h2>\(escape(UsageRenderer.plural(report.warnings.count, "warning")))</h2><ul>"
            )
            for warning in report.warnings { page.line("<li>\(escape(warning.message))</li>") }
            page.line("</ul></div>")
        }
        page.line(htmlSection(report))
        facilitySections(report, into: &page)
        page.line("<footer>\(escape(UsageRenderer.footer))</footer>")
        page.line("</body>")
        page.line("</html>")
        return page.text
    }

    /// The CSS of the whole page: the single-facility report's, and ``peopleStylesheet``.
    public static let stylesheet = UsageRenderer.stylesheet + peopleStylesheet

    /// The CSS of ``htmlSection(_:)`` alone (the "by person" table and chart), for a page that embeds the section
    /// and has its own styles for the rest.
    public static let peopleStylesheet = """
        section.team-people { border-top: 2px solid #111; margin-top: 22px; padding-top: 10px; }
        section.team-facility { margin-top: 26px; }
        section.team-facility > h2 { font-size: 20px; }
        table.people { font-size: 13px; }
        table.people th, table.people td { padding: 3px 6px; }
        table.people td:nth-child(11) { white-space: normal; }
        table.people th:nth-child(-n+5), table.people td:nth-child(-n+5) { text-align: left; }
        table.people th:nth-child(11), table.people td:nth-child(11) { text-align: left; }
        table.people tr.total td { font-weight: 700; border-top: 2px solid #111; }
        table.people tr.total + tr.total td { border-top: 1px solid #bbb; }
        table.people tr.stranger td:nth-child(5) { font-style: italic; }
        table.people tr.warn td { font-weight: 700; color: #9b0000; }
        svg.people-chart { display: block; width: 100%; max-width: 1000px; height: auto; margin: 4px 0; }

        """

    /// The team's usage by person as an HTML fragment to embed in a page (one `<section>`): the "By person" table
    /// (with TOTAL rows), a chart of each person's use of their own limits, and notes. No warnings box, no `<style>`
    /// and no facility sections: the page around it shows those (its CSS is ``peopleStylesheet``).
    public static func htmlSection(_ report: TeamUsageReport) -> String {
        var page = HTMLPage()
        page.line("<section class=\"team-people\">")
        page.line("<h2>By person</h2>")
        let rows = personRows(report)
        if rows.count == 1 {
            page.line("<p>No per-person figures at any facility.</p>")
        } else {
            let warned = Set(
                report.warnings.compactMap { warning in
                    warning.username.map { "\(warning.facility)/\($0)/\(warning.subject)" }
                })
            let headers = [
                "Person", "Name", "Facility", "Username", "In team", "Hours", "Used", "Own limit", "Used %",
                "Burn / day", "Basis", "Runs out",
            ]
            page.line("<table class=\"people\"><thead><tr>")
            page.line(headers.map { "<th>\(escape($0))</th>" }.joined())
            page.line("</tr></thead><tbody>")
            for row in rows.dropFirst() {
                var classes: [String] = []
                if row.isTotal { classes.append("total") }
                if row.key.map(warned.contains) == true { classes.append("warn") }
                if row.cells[4] == "not in the team" { classes.append("stranger") }
                let attribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
                page.line("<tr\(attribute)>\(row.cells.map { "<td>\(escape($0))</td>" }.joined())</tr>")
            }
            page.line("</tbody></table>")
            page.line(PeopleChart(report: report).svg)
        }
        let notes = personNotes(report)
        if !notes.isEmpty { page.line("<ul class=\"notes\">\(notes.map { "<li>\(escape($0))</li>" }.joined())</ul>") }
        page.line("</section>")
        return page.text
    }

    /// Each facility's project tables and charts, as the single-facility page shows them.
    static func facilitySections(_ report: TeamUsageReport, into page: inout HTMLPage) {
        for (facilityIndex, facility) in report.facilities.enumerated() {
            page.line("<section class=\"team-facility\">")
            page.line(
                "<h2>\(escape("\(facility.facility): project \(facility.project)"))</h2>"
                    + "<p class=\"meta\">\(escape(source(facility)))</p>")
            for (index, project) in facility.report.projects.enumerated() {
                // Chart ids must be unique in the page: number them by facility too.
                UsageRenderer.section(
                    project, index: 1000 + facilityIndex * 100 + index, report: facility.report, into: &page)
            }
            if facility.report.projects.isEmpty && facility.notes.isEmpty {
                page.line("<p>No figures of this project yet.</p>")
            }
            if !facility.notes.isEmpty {
                page.line("<ul class=\"notes\">\(facility.notes.map { "<li>\(escape($0))</li>" }.joined())</ul>")
            }
            page.line("</section>")
        }
    }

    static func escape(_ text: String) -> String { UsageRenderer.escape(text) }
}

/// A bar per person, facility and kind of hours: use as a percentage of the person's own limit, with the 100% line
/// and the warning threshold. Figures without a limit have no bar.
struct PeopleChart {
    var report: TeamUsageReport

    static let width = 960.0
    static let left = 300.0
    static let right = width - 90.0
    static let top = 34.0
    static let rowHeight = 20.0

    var svg: String {
        var bars: [(label: String, percent: Double, text: String, warned: Bool)] = []
        let warned = Set(report.warnings.compactMap { w in w.username.map { "\(w.facility)/\($0)/\(w.subject)" } })
        for person in report.people {
            for usage in person.facilities {
                for hours in [usage.cpu, usage.gpu] {
                    guard let percent = hours.percentOfLimit, let used = hours.used, let limit = hours.limit else {
                        continue
                    }
                    let who = person.person ?? usage.username
                    bars.append(
                        (
                            "\(who), \(usage.username) at \(usage.facility), \(hours.resource.label)", percent,
                            "\(UsageUnits.percent(percent)) (\(UsageUnits.hours(used)) of \(UsageUnits.hours(limit)))",
                            warned.contains("\(usage.facility)/\(usage.username)/\(hours.resource.rawValue)")
                        ))
                }
            }
        }
        guard !bars.isEmpty else { return "" }
        let height = Self.top + Double(bars.count) * Self.rowHeight + 30
        let peak = bars.map(\.percent).max() ?? 0
        let xMax = max(100, min(200, (peak * 1.05 / 25).rounded(.up) * 25))
        func x(_ percent: Double) -> Double { Self.left + min(max(percent, 0), xMax) / xMax * (Self.right - Self.left) }
        var svg = SVGWriter()
        svg.add(
            "<svg class=\"people-chart\" viewBox=\"0 0 \(Int(Self.width)) \(Int(height))\" role=\"img\" "
                + "aria-labelledby=\"people-chart-title\">")
        svg.add(
            "<title id=\"people-chart-title\">\(escape("Each person's hours as a percentage of their own limit"))</title>"
        )
        svg.add("<rect x=\"0\" y=\"0\" width=\"\(Int(Self.width))\" height=\"\(Int(height))\" fill=\"#fff\"/>")
        svg.label(Self.left, 16, "% of own limit", anchor: "start", size: 12)
        var tick = 0.0
        while tick <= xMax + 0.001 {
            let position = x(tick)
            svg.add(
                "<line x1=\"\(position)\" y1=\"\(Self.top - 6)\" x2=\"\(position)\" y2=\"\(height - 24)\" "
                    + "stroke=\"#e2e2e2\" stroke-width=\"1\"/>")
            svg.label(position, height - 8, "\(Int(tick))%", anchor: "middle", size: 11)
            tick += xMax <= 150 ? 25 : 50
        }
        for (index, bar) in bars.enumerated() {
            let y = Self.top + Double(index) * Self.rowHeight
            let colour = bar.warned ? "#9b0000" : "#1f4e99"
            svg.label(Self.left - 8, y + 13, bar.label, anchor: "end", size: 11)
            svg.add(
                "<rect x=\"\(Self.left)\" y=\"\(y + 3)\" width=\"\(max(1, x(bar.percent) - Self.left))\" "
                    + "height=\"\(Self.rowHeight - 6)\" fill=\"\(colour)\"/>")
            svg.label(x(bar.percent) + 4, y + 13, bar.text, anchor: "start", size: 11, colour: colour)
        }
        let full = x(100)
        svg.add(
            "<line x1=\"\(full)\" y1=\"\(Self.top - 6)\" x2=\"\(full)\" y2=\"\(height - 24)\" stroke=\"#111\" "
                + "stroke-width=\"2.5\"/>")
        if let warnAt = report.warnAt, warnAt < xMax {
            let position = x(warnAt)
            svg.add(
                "<line x1=\"\(position)\" y1=\"\(Self.top - 6)\" x2=\"\(position)\" y2=\"\(height - 24)\" "
                    + "stroke=\"#9b0000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
            svg.label(position, Self.top - 10, "warn at \(UsageUnits.percent(warnAt))", anchor: "middle", size: 11)
        }
        svg.add("</svg>")
        return svg.text
    }

    func escape(_ text: String) -> String { UsageRenderer.escape(text) }
}
