import AccountModels
import Foundation

extension UsageRenderer {
    /// One self-contained HTML page: inline CSS, one inline SVG chart per project, no scripts and no
    /// external assets. Black-on-white and print-friendly; every piece of text is escaped.
    public static func html(_ report: UsageReport) -> String {
        var page = HTMLPage()
        let facility = report.facility.isEmpty ? "no facility" : report.facility
        page.line("<!DOCTYPE html>")
        page.line("<html lang=\"en\">")
        page.line("<head>")
        page.line("<meta charset=\"utf-8\">")
        page.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.line(
            "<title>\(escape("Allocation usage: \(facility), \(CalendarDay(utcDayOf: report.generatedAt))"))</title>")
        page.line("<style>\(stylesheet)</style>")
        page.line("</head>")
        page.line("<body>")
        page.line("<h1>\(escape("Allocation usage: \(facility)"))</h1>")
        var meta = [
            report.caller.isEmpty ? nil : "caller \(report.caller)",
            "generated \(timestamp(report.generatedAt))",
            plural(report.snapshotCount, "snapshot"),
            "allocation year \(report.allocationYear.start) to \(report.allocationYear.end), "
                + "\(UsageUnits.percent(report.yearFractionElapsed * 100)) elapsed",
        ].compactMap { $0 }
        meta.append("burn over at least \(plural(report.windowDays, "day"))")
        if let since = report.since { meta.append("burn measured from \(since)") }
        if let warnAt = report.warnAt { meta.append("warning threshold \(UsageUnits.percent(warnAt))") }
        page.line("<p class=\"meta\">\(meta.map(escape).joined(separator: " &middot; "))</p>")

        if !report.warnings.isEmpty {
            page.line("<div class=\"warnings\"><h2>\(escape(plural(report.warnings.count, "warning")))</h2><ul>")
            for warning in report.warnings { page.line("<li>\(escape(warning.message))</li>") }
            page.line("</ul></div>")
        }
        if report.projects.isEmpty {
            let text =
                report.snapshotCount == 0 ? "No snapshots yet: run 'teamctl refresh' first." : "No projects to report."
            page.line("<p>\(escape(text))</p>")
        }
        let reportNotes = report.unknownProjects.map {
            "project \($0) is in no snapshot; check the name or run 'teamctl refresh'"
        }
        if !reportNotes.isEmpty {
            page.line("<ul class=\"notes\">\(reportNotes.map { "<li>\(escape($0))</li>" }.joined())</ul>")
        }
        for (index, project) in report.projects.enumerated() {
            section(project, index: index, report: report, into: &page)
        }
        page.line("<footer>\(escape(footer))</footer>")
        page.line("</body>")
        page.line("</html>")
        return page.text
    }

    static func section(_ project: ProjectUsage, index: Int, report: UsageReport, into page: inout HTMLPage) {
        let heading = project.description.isEmpty ? project.project : "\(project.project): \(project.description)"
        page.line("<section class=\"project\">")
        page.line("<h2>\(escape(heading))</h2>")
        var meta = ["figures as of \(timestamp(project.asOf))"]
        if let role = project.callerRole { meta.insert("your role: \(role)", at: 0) }
        page.line("<p class=\"meta\">\(meta.map(escape).joined(separator: " &middot; "))</p>")

        let warned = Set(report.warnings.filter { $0.project == project.project }.map(\.subject))
        let resources = [project.cpu, project.gpu].filter(\.hasAllocation)
        if !resources.isEmpty {
            page.line("<table class=\"hours\"><thead><tr>")
            let headers = [
                "Hours", "Used", "Given", "Used %", "Year elapsed", "You used", "Your share", "Burn / day",
                "Basis", "At year end", "Runs out",
            ]
            page.line(headers.map { "<th>\(escape($0))</th>" }.joined())
            page.line("</tr></thead><tbody>")
            for hours in resources {
                let cells = [
                    hours.resource.label, dash(hours.projectUsed, UsageUnits.hours),
                    dash(hours.projectGiven, UsageUnits.hours),
                    dash(hours.percentUsed, UsageUnits.percent), UsageUnits.percent(report.yearFractionElapsed * 100),
                    dash(hours.callerUsed, UsageUnits.hours), dash(hours.callerGiven, UsageUnits.hours),
                    dash(hours.burn?.hoursPerDay, UsageUnits.hours), hours.burn?.label ?? "-",
                    dash(reportPercent(hours.projectedUsedAtYearEnd, of: hours.projectGiven), UsageUnits.percent),
                    runOutText(hours, report.allocationYear),
                ]
                let rowClass = warned.contains(hours.resource.rawValue) ? " class=\"warn\"" : ""
                page.line("<tr\(rowClass)>\(cells.map { "<td>\(escape($0))</td>" }.joined())</tr>")
            }
            page.line("</tbody></table>")
        }
        page.line(UsageChart(project: project, report: report, index: index).svg)

        if !project.storage.isEmpty {
            page.line("<table class=\"storage\"><thead><tr>")
            let headers = ["Storage", "Name", "Bytes used", "Quota", "Used %", "Files used", "Quota", "Used %"]
            page.line(headers.map { "<th>\(escape($0))</th>" }.joined())
            page.line("</tr></thead><tbody>")
            for area in project.storage {
                let cells = [
                    area.area.label, area.name, dash(area.bytesUsed, UsageUnits.bytes),
                    dash(area.bytesGiven, UsageUnits.bytes),
                    dash(area.bytesPercentUsed, UsageUnits.percent), dash(area.filesUsed, UsageUnits.count),
                    dash(area.filesGiven, UsageUnits.count), dash(area.filesPercentUsed, UsageUnits.percent),
                ]
                let rowClass =
                    warned.contains(where: { $0.hasPrefix(area.area.rawValue + " ") }) ? " class=\"warn\"" : ""
                page.line("<tr\(rowClass)>\(cells.map { "<td>\(escape($0))</td>" }.joined())</tr>")
            }
            page.line("</tbody></table>")
        }
        var notes = project.notes
        for hours in resources {
            if let reason = hours.burnUnavailable ?? averageRemark(hours, report) {
                notes.append("\(hours.resource.label): \(reason)")
            }
        }
        if !notes.isEmpty { page.line("<ul class=\"notes\">\(notes.map { "<li>\(escape($0))</li>" }.joined())</ul>") }
        page.line("</section>")
    }

    static let footer =
        "Burn rate: least-squares slope of project hours used per day over snapshots spanning at least the "
        + "window in the current allocation year, or with less history the year-to-date average (used / days "
        + "elapsed). Run-out day: when the remaining hours are used at that rate, within the allocation year. "
        + "Bytes in decimal units (1 TB = 10^12 bytes). Made by teamctl usage."

    /// Escapes text for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        // Control characters and bidirectional overrides are written out too, so a name cannot reorder what a
        // page shows (or steer a terminal the file is printed on).
        for character in text.escapedForTerminalKeepingLines {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let stylesheet = """

        :root { color-scheme: light; }
        body { font: 14px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff;
          max-width: 1040px; margin: 24px auto; padding: 0 20px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 0 0 2px; }
        .meta { color: #444; margin: 0 0 10px; }
        section.project { border-top: 2px solid #111; margin-top: 22px; padding-top: 10px; break-inside: avoid; page-break-inside: avoid; }
        table { border-collapse: collapse; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
        th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #bbb; white-space: nowrap; }
        th { border-bottom: 2px solid #111; font-weight: 600; }
        th:first-child, td:first-child { text-align: left; }
        table.storage th:nth-child(2), table.storage td:nth-child(2) { text-align: left; }
        table.hours th:nth-child(9), table.hours td:nth-child(9) { text-align: left; }
        tr.warn td { font-weight: 700; color: #9b0000; }
        .warnings { border: 2px solid #9b0000; padding: 8px 14px; margin: 12px 0; }
        .warnings h2 { color: #9b0000; }
        .warnings ul { margin: 4px 0; padding-left: 20px; }
        ul.notes { color: #333; margin: 4px 0; padding-left: 20px; }
        svg.chart { display: block; width: 100%; max-width: 1000px; height: auto; margin: 4px 0; }
        footer { margin-top: 28px; border-top: 1px solid #bbb; padding-top: 6px; color: #444; font-size: 12px; }
        @media print {
          body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
          section.project { break-inside: avoid; }
          .warnings, .warnings h2, tr.warn td { color: #000; border-color: #000; }
        }
        @page { margin: 14mm; }

        """
}

/// Collects the lines of an HTML page.
struct HTMLPage {
    private(set) var text = ""

    mutating func line(_ html: String) {
        text += html
        text += "\n"
    }
}
