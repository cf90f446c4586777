import AccountModels
import Foundation

/// The output formats of `teamctl usage`.
public enum UsageFormat: String, Sendable, Hashable, CaseIterable {
    /// Aligned columns for a terminal.
    case table
    /// RFC 4180 comma-separated values with a header row.
    case csv
    /// The versioned JSON schema of `docs/usage-report.md`.
    case json
    /// One self-contained HTML file with an SVG chart per project.
    case html
}

/// Turns a ``UsageReport`` into text: a terminal table, CSV, JSON or a self-contained HTML page.
public enum UsageRenderer {
    /// Renders `report` in `format`; `color` only affects the table.
    public static func render(_ report: UsageReport, as format: UsageFormat, color: Bool = false) throws -> String {
        switch format {
        case .table: return table(report, color: color)
        case .csv: return csv(report)
        case .json: return try json(report)
        case .html: return html(report)
        }
    }

    // MARK: Table

    /// Aligned columns for a terminal, with human units; `color` adds ANSI colours to warnings.
    public static func table(_ report: UsageReport, color: Bool = false) -> String {
        let style = TerminalStyle(enabled: color)
        var lines: [String] = []
        let stamp = timestamp(report.generatedAt)
        let who = report.caller.isEmpty ? "" : " as \(report.caller.escapedForTerminal)"
        let facility = report.facility.isEmpty ? "no facility" : report.facility.escapedForTerminal
        lines.append(style.bold("Usage for \(facility)\(who), \(stamp) (\(plural(report.snapshotCount, "snapshot")))"))
        var year =
            "Allocation year \(report.allocationYear.start) to \(report.allocationYear.end): "
            + "\(UsageUnits.percent(report.yearFractionElapsed * 100)) elapsed"
        year += "; burn over at least \(plural(report.windowDays, "day"))"
        if let since = report.since { year += ", from \(since) on" }
        lines.append(year)

        if report.projects.isEmpty {
            lines.append("")
            lines.append(
                report.snapshotCount == 0 ? "No snapshots yet: run 'teamctl refresh' first." : "No projects to report.")
        }
        if !report.projects.isEmpty {
            lines.append("")
            var rows = [
                [
                    "PROJECT", "HOURS", "USED", "GIVEN", "USED%", "YOU USED", "YOU GIVEN", "BURN/DAY", "BASIS",
                    "AT YEAR END", "RUNS OUT",
                ]
            ]
            var flagged: Set<Int> = []
            for project in report.projects {
                let resources = [project.cpu, project.gpu].filter(\.hasAllocation)
                for hours in resources.isEmpty ? [project.cpu] : resources {
                    if report.warnings.contains(where: {
                        $0.project == project.project && $0.subject == hours.resource.rawValue
                    }) {
                        flagged.insert(rows.count)
                    }
                    rows.append([
                        project.project, hours.resource.label, dash(hours.projectUsed, UsageUnits.hours),
                        dash(hours.projectGiven, UsageUnits.hours), dash(hours.percentUsed, UsageUnits.percent),
                        dash(hours.callerUsed, UsageUnits.hours), dash(hours.callerGiven, UsageUnits.hours),
                        dash(hours.burn?.hoursPerDay, UsageUnits.hours), hours.burn?.label ?? "-",
                        dash(reportPercent(hours.projectedUsedAtYearEnd, of: hours.projectGiven), UsageUnits.percent),
                        runOutText(hours, report.allocationYear),
                    ])
                }
            }
            lines += aligned(rows, rightAligned: [2, 3, 4, 5, 6, 7, 9]).enumerated().map { index, line in
                index == 0 ? style.bold(line) : flagged.contains(index) ? style.red(line) : line
            }
        }

        let storageRows = report.projects.flatMap { project in
            project.storage.map { area in
                [
                    project.project, area.area.label, area.name, dash(area.bytesUsed, UsageUnits.bytes),
                    dash(area.bytesGiven, UsageUnits.bytes), dash(area.bytesPercentUsed, UsageUnits.percent),
                    dash(area.filesUsed, UsageUnits.count), dash(area.filesGiven, UsageUnits.count),
                    dash(area.filesPercentUsed, UsageUnits.percent),
                ]
            }
        }
        if !storageRows.isEmpty {
            lines.append("")
            let header = ["PROJECT", "STORAGE", "NAME", "BYTES USED", "QUOTA", "USED%", "FILES USED", "QUOTA", "USED%"]
            lines += aligned([header] + storageRows, rightAligned: [3, 4, 5, 6, 7, 8]).enumerated().map { index, line in
                index == 0 ? style.bold(line) : line
            }
        }

        var memberRows: [[String]] = []
        var overLimit: Set<Int> = []
        for project in report.projects {
            for member in project.members ?? [] {
                let cpuPercent = reportPercent(member.cpuUsed, of: member.cpuLimit)
                let gpuPercent = reportPercent(member.gpuUsed, of: member.gpuLimit)
                if (cpuPercent ?? 0) >= 100 || (gpuPercent ?? 0) >= 100 { overLimit.insert(memberRows.count + 1) }
                memberRows.append([
                    project.project, member.user, dash(member.cpuUsed, UsageUnits.hours),
                    dash(member.cpuLimit, UsageUnits.hours), dash(cpuPercent, UsageUnits.percent),
                    dash(member.gpuUsed, UsageUnits.hours), dash(member.gpuLimit, UsageUnits.hours),
                    dash(gpuPercent, UsageUnits.percent),
                ])
            }
        }
        if !memberRows.isEmpty {
            lines.append("")
            let header = ["PROJECT", "MEMBER", "CPU USED", "OWN LIMIT", "USED%", "GPU USED", "OWN LIMIT", "USED%"]
            lines += aligned([header] + memberRows, rightAligned: [2, 3, 4, 5, 6, 7]).enumerated().map { index, line in
                index == 0 ? style.bold(line) : overLimit.contains(index) ? style.red(line) : line
            }
        }

        let notes = self.notes(report)
        if !notes.isEmpty {
            lines.append("")
            lines += notes.map { "note: \($0.escapedForTerminal)" }
        }
        if !report.warnings.isEmpty {
            lines.append("")
            lines += report.warnings.map { style.red("warning: \($0.message.escapedForTerminal)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every remark a reader should see under the figures, one line each.
    static func notes(_ report: UsageReport) -> [String] {
        var notes = report.unknownProjects.map {
            "project \($0) is in no snapshot; check the name or run 'teamctl refresh'"
        }
        for project in report.projects {
            notes += project.notes.map { "\(project.project): \($0)" }
            for hours in [project.cpu, project.gpu] where hours.hasAllocation {
                if let reason = hours.burnUnavailable ?? averageRemark(hours, report) {
                    notes.append("\(project.project) \(hours.resource.label): \(reason)")
                }
            }
        }
        return notes
    }

    /// Flags a run-out day projected from the year-to-date average that is not alerted on.
    static func averageRemark(_ hours: HoursUsage, _ report: UsageReport) -> String? {
        guard hours.burnBasis == .yearToDateAverage, let day = hours.runOutDay, let burn = hours.burn else {
            return nil
        }
        let alerted = report.warnOnAverage && report.warnAt != nil
        return "the run-out day \(day) is projected from the \(burn.label), as there are fewer than "
            + "\(plural(report.windowDays, "day")) of snapshots"
            + (alerted ? "" : "; it warns only with --warn-on-average")
    }

    static func runOutText(_ hours: HoursUsage, _ period: AllocationPeriod) -> String {
        if let given = hours.projectGiven, let used = hours.projectUsed, given > 0, used >= given { return "used up" }
        if let day = hours.runOutDay { return day.description }
        if hours.burn != nil { return "not this year" }
        return "-"
    }

    /// The rows as aligned columns; each cell (a project, a username, a storage area's name) is escaped for the
    /// terminal first, so the widths are those of what is shown.
    static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let rows = rows.map { $0.map(\.escapedForTerminal) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
    }

    // MARK: CSV

    /// The CSV header row's column names, in order.
    public static let csvColumns = [
        "project", "resource", "unit", "name", "given", "used", "percent_used", "caller_given", "caller_used",
        "caller_percent_used", "burn_per_day", "run_out_day", "projected_used_at_year_end", "year_fraction_elapsed",
        "fraction_used", "as_of", "note", "burn_basis",
    ]

    /// RFC 4180 CSV (CRLF line ends, quoted where needed) with a header row and one row per project and
    /// resource: CPU hours, GPU hours, and bytes and files of each storage area. Numbers are plain.
    public static func csv(_ report: UsageReport) -> String {
        var rows = [csvColumns]
        let elapsed = number(report.yearFractionElapsed)
        for project in report.projects {
            let asOf = timestamp(project.asOf, iso: true)
            for hours in [project.cpu, project.gpu] {
                rows.append([
                    csvText(project.project), hours.resource.rawValue, "hours", "", number(hours.projectGiven),
                    number(hours.projectUsed), number(hours.percentUsed), number(hours.callerGiven),
                    number(hours.callerUsed), number(hours.callerPercentUsed), number(hours.burn?.hoursPerDay),
                    hours.runOutDay?.description ?? "", number(hours.projectedUsedAtYearEnd), elapsed,
                    number(hours.fractionUsed), asOf, hours.hasAllocation ? hours.burnUnavailable ?? "" : "",
                    hours.burnBasis.rawValue,
                ])
            }
            for area in project.storage {
                rows.append([
                    csvText(project.project), area.area.rawValue, "bytes", csvText(area.name), number(area.bytesGiven),
                    number(area.bytesUsed), number(area.bytesPercentUsed), "", "", "", "", "", "", elapsed,
                    number(reportFraction(area.bytesUsed, of: area.bytesGiven)), asOf, "", "",
                ])
                rows.append([
                    csvText(project.project), area.area.rawValue, "files", csvText(area.name), number(area.filesGiven),
                    number(area.filesUsed), number(area.filesPercentUsed), "", "", "", "", "", "", elapsed,
                    number(reportFraction(area.filesUsed, of: area.filesGiven)), asOf, "", "",
                ])
            }
        }
        return rows.map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// Text that came from the facility, made safe to open in a spreadsheet: a value starting with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return would be run as a formula there (CSV injection), so it gets a
    /// leading `'`, which spreadsheets read as "this is text". Numbers never pass through here.
    /// Control characters other than line feeds and tabs (which the CSV quoting carries) are written out first
    /// (see ``Swift/String/escapedForTerminalKeepingLines``): the file is often shown in a terminal.
    static func csvText(_ text: String) -> String {
        let text = text.escapedForTerminalKeepingLines
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    /// One CSV field: quoted when it holds a comma, a quote or a line break; quotes doubled.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A plain number a spreadsheet reads: no grouping, no units; whole numbers without a decimal point.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: JSON

    /// The report as pretty-printed JSON in the schema of `docs/usage-report.md` (dates ISO 8601, UTC).
    public static func json(_ report: UsageReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// Reads back a report written by ``json(_:)``; throws when the schema version is not one this
    /// build understands.
    public static func decodeJSON(_ data: Data) throws -> UsageReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let report = try decoder.decode(UsageReport.self, from: data)
        guard report.schemaVersion == UsageReport.currentSchemaVersion else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "usage report schema version \(report.schemaVersion) is not supported; "
                        + "this teamctl reads version \(UsageReport.currentSchemaVersion)"))
        }
        return report
    }

    // MARK: Shared helpers

    static func dash(_ value: Double?, _ format: (Double) -> String) -> String { value.map(format) ?? "-" }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// `2026-11-25 00:40 UTC`, or `2026-11-25T00:40:00Z` when `iso`.
    static func timestamp(_ date: Date, iso: Bool = false) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = CalendarDay(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
        let inDay = seconds - day.daysSinceEpoch * 86_400
        let clock = String(format: "%02d:%02d", inDay / 3600, inDay / 60 % 60)
        return iso ? "\(day)T\(clock):\(String(format: "%02d", inDay % 60))Z" : "\(day) \(clock) UTC"
    }
}

/// ANSI styling that is a no-op when colour is off.
struct TerminalStyle {
    var enabled: Bool

    func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func red(_ text: String) -> String { enabled ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
}

extension String {
    /// Private to this file: other files (the apply report) keep their own.
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
