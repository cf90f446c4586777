import AccountModels
import Foundation

/// Turns a ``TeamUsageReport`` into text: a terminal table, CSV, JSON or a self-contained HTML page; and the
/// "by person" part as an HTML fragment another page can embed (``htmlSection(_:)``).
public enum TeamUsageRenderer {
    /// Renders `report` in `format`; `color` only affects the table.
    public static func render(_ report: TeamUsageReport, as format: UsageFormat, color: Bool = false) throws
        -> String
    {
        switch format {
        case .table: return table(report, color: color)
        case .csv: return csv(report)
        case .json: return try json(report)
        case .html: return html(report)
        }
    }

    // MARK: Table

    /// A section per facility (its own usage table), then the "By person" table with a TOTAL, notes and warnings.
    public static func table(_ report: TeamUsageReport, color: Bool = false) -> String {
        let style = TerminalStyle(enabled: color)
        var lines: [String] = []
        let count = report.facilities.count
        lines.append(
            style.bold(
                "Usage for team \(report.team.escapedForTerminal), \(UsageRenderer.timestamp(report.generatedAt)) "
                    + "(\(count) facilit\(count == 1 ? "y" : "ies"))"))
        for facility in report.facilities {
            lines.append("")
            let title = "\(facility.facility): project \(facility.project) (\(source(facility)))".escapedForTerminal
            lines.append(style.bold("== \(title) =="))
            // The facility's own warnings are listed once, at the end, prefixed by the facility.
            var quiet = facility.report
            quiet.warnings = []
            lines += UsageRenderer.table(quiet, color: color).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init).dropLast()
            lines += facility.notes.map { "note: \($0.escapedForTerminal)" }
        }
        lines.append("")
        lines.append(style.bold("== By person =="))
        let rows = personRows(report)
        if rows.count == 1 {
            lines.append("No per-person figures at any facility.")
        } else {
            let warned = Set(
                report.warnings.compactMap { warning in
                    warning.username.map { "\(warning.facility)/\($0)/\(warning.subject)" }
                })
            lines += UsageRenderer.aligned(rows.map(\.cells), rightAligned: [6, 7, 8, 9]).enumerated().map {
                index, line in
                if index == 0 || rows[index].isTotal { return style.bold(line) }
                return rows[index].key.map(warned.contains) == true ? style.red(line) : line
            }
        }
        let notes = personNotes(report)
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

    /// What the "By person" figures of a facility are, in a few words.
    static func source(_ facility: TeamFacilityUsage) -> String {
        switch facility.personFigures {
        case .members: return "each member's own hours"
        case .caller: return "per person: the caller's own share only"
        case .none: return "no per-person figures"
        }
    }

    struct Row {
        var cells: [String]
        /// `facility/username/resource`, for marking warned rows.
        var key: String?
        var isTotal = false
    }

    /// The header, one row per person, facility and kind of hours, a row per person and kind added up over
    /// facilities (for someone at two or more), and the TOTAL rows.
    static func personRows(_ report: TeamUsageReport) -> [Row] {
        var rows = [
            Row(cells: [
                "PERSON", "NAME", "FACILITY", "USERNAME", "TEAM", "HOURS", "USED", "OWN LIMIT", "USED%", "BURN/DAY",
                "BASIS", "RUNS OUT",
            ])
        ]
        for person in report.people {
            var first = true
            for usage in person.facilities {
                for hours in [usage.cpu, usage.gpu] where hours.hasFigures {
                    rows.append(
                        Row(
                            cells: [
                                first ? person.person ?? "-" : "", first ? person.name ?? "-" : "", usage.facility,
                                usage.username, usage.memberHere ? "yes" : "not in the team", hours.resource.label,
                                UsageRenderer.dash(hours.used, UsageUnits.hours),
                                UsageRenderer.dash(hours.limit, UsageUnits.hours),
                                UsageRenderer.dash(hours.percentOfLimit, UsageUnits.percent),
                                UsageRenderer.dash(hours.burn?.hoursPerDay, UsageUnits.hours),
                                hours.burn?.label ?? "-", runOut(hours),
                            ], key: "\(usage.facility)/\(usage.username)/\(hours.resource.rawValue)"))
                    first = false
                }
            }
            if person.facilities.count > 1 {
                for total in person.totals {
                    rows.append(Row(cells: totalCells("", "all facilities", total)))
                }
            }
        }
        for total in report.totals {
            rows.append(Row(cells: totalCells("TOTAL", "", total), isTotal: true))
        }
        return rows
    }

    static func totalCells(_ label: String, _ facility: String, _ total: HoursTotal) -> [String] {
        [
            label, "", facility, "", "", total.resource.label, UsageUnits.hours(total.used),
            UsageRenderer.dash(total.limit, UsageUnits.hours),
            UsageRenderer.dash(total.percentOfLimit, UsageUnits.percent),
            UsageRenderer.dash(total.hoursPerDay, UsageUnits.hours), "", "",
        ]
    }

    /// `used up`, the run-out day of the person's own limit, `not this year` with a rate, or `-`.
    static func runOut(_ hours: PersonHours) -> String {
        if hours.limitUsedUp { return "used up" }
        if let day = hours.runOutDay { return day.description }
        if hours.burn != nil, hours.limit != nil { return "not this year" }
        return "-"
    }

    /// The remarks under the "By person" table.
    static func personNotes(_ report: TeamUsageReport) -> [String] {
        var notes: [String] = []
        if !report.membersWithoutFigures.isEmpty {
            let count = report.membersWithoutFigures.count
            notes.append(
                "\(count) member\(count == 1 ? " has" : "s have") no per-person figures at any facility "
                    + "(SFAPI shows only the caller's own share): "
                    + report.membersWithoutFigures.joined(separator: ", "))
        }
        let strangers = report.people.flatMap { person in
            person.facilities.filter { !$0.memberHere }.map { "\($0.username) at \($0.facility)" }
        }
        if !strangers.isEmpty {
            notes.append(
                "not in the team, yet using the team's hours: " + strangers.joined(separator: ", ")
                    + "; add them to the team (and the people file) or ask the facility to remove them")
        }
        return notes
    }

    // MARK: CSV

    /// The CSV header row's column names, in order.
    public static let csvColumns = [
        "person", "name", "in_team", "facility", "project", "username", "resource", "used", "limit",
        "percent_of_limit", "burn_per_day", "burn_basis", "run_out_day", "limit_used_up", "as_of", "snapshots",
    ]

    /// RFC 4180 CSV with a header row and one row per person, facility and kind of hours with figures. Numbers are
    /// plain; no total rows (a spreadsheet adds them up).
    public static func csv(_ report: TeamUsageReport) -> String {
        var rows = [csvColumns]
        for person in report.people {
            for usage in person.facilities {
                for hours in [usage.cpu, usage.gpu] where hours.hasFigures {
                    rows.append([
                        UsageRenderer.csvText(person.person ?? ""), UsageRenderer.csvText(person.name ?? ""),
                        usage.memberHere ? "true" : "false", UsageRenderer.csvText(usage.facility),
                        UsageRenderer.csvText(usage.project), UsageRenderer.csvText(usage.username),
                        hours.resource.rawValue, UsageRenderer.number(hours.used), UsageRenderer.number(hours.limit),
                        UsageRenderer.number(hours.percentOfLimit), UsageRenderer.number(hours.burn?.hoursPerDay),
                        hours.burnBasis.rawValue, hours.runOutDay?.description ?? "",
                        hours.limitUsedUp ? "true" : "false", UsageRenderer.timestamp(usage.asOf, iso: true),
                        String(usage.snapshots),
                    ])
                }
            }
        }
        return rows.map { $0.map(UsageRenderer.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    // MARK: JSON

    /// The report as pretty-printed JSON in the team schema of `docs/usage-report.md` (dates ISO 8601, UTC).
    public static func json(_ report: TeamUsageReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// Reads back a report written by ``json(_:)``; throws when the schema version is not one this build
    /// understands.
    public static func decodeJSON(_ data: Data) throws -> TeamUsageReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let report = try decoder.decode(TeamUsageReport.self, from: data)
        guard report.schemaVersion == TeamUsageReport.currentSchemaVersion, report.kind == "team" else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "team usage report schema version \(report.schemaVersion) is not supported; "
                        + "this teamctl reads version \(TeamUsageReport.currentSchemaVersion)"))
        }
        return report
    }
}
