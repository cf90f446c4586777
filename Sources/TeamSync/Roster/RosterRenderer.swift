import Foundation

/// Turns a roster diff (and what `--write` did) into text for a terminal or JSON for scripts.
public enum RosterRenderer {
    /// Sections `+ on the list, not in the team`, `- in the team, not on the list` and `~ details that differ`, one
    /// line per person with id, name, email and usernames; then what was written where, and what was left alone.
    public static func text(_ comparison: RosterComparison, report: RosterWriteReport? = nil) -> String {
        let diff = comparison.diff
        let csv = URL(fileURLWithPath: comparison.csvFile).lastPathComponent
        var lines: [String] = []
        let width =
            (diff.newcomers.map(\.person.id) + diff.missing.map(\.person.id) + diff.differences.map(\.id))
            .map(\.escapedForTerminal.count).max() ?? 0
        func pad(_ id: String) -> String {
            id.escapedForTerminal + String(repeating: " ", count: max(0, width - id.escapedForTerminal.count))
        }

        if !diff.newcomers.isEmpty {
            lines.append("+ on the list, not in the team")
            for newcomer in diff.newcomers {
                let note =
                    switch newcomer.kind {
                    case .newPerson: "new to the people file"
                    case .notMember: "in the people file, not a member"
                    case .ended: "ended \(newcomer.until.map(\.description) ?? ""): re-admit by hand"
                    }
                lines.append(
                    "  + \(pad(newcomer.person.id))  \(details(newcomer.person, comparison.facilities))  (\(note); \(csv):\(newcomer.line))"
                )
            }
        }
        if !diff.missing.isEmpty {
            lines.append("- in the team, not on the list")
            for missing in diff.missing {
                let note = missing.protected ? "  (protected: never ended by roster diff)" : ""
                lines.append("  - \(pad(missing.person.id))  \(details(missing.person, comparison.facilities))\(note)")
            }
        }
        if !diff.differences.isEmpty {
            lines.append("~ details that differ")
            for difference in diff.differences {
                let field = difference.facility.map { "\($0) username" } ?? "email"
                let name = difference.name.map { "\($0): " } ?? ""
                lines.append(
                    "  ~ \(pad(difference.id))  \(name)\(field) \(difference.peopleValue ?? "(none)") in the people "
                        + "file, \(difference.listValue) on the list (\(csv):\(difference.line))")
            }
        }
        if diff.isEmpty { lines.append("The list and the team agree.") }
        if let report {
            if !report.written.isEmpty {
                lines.append("")
                lines.append("Written:")
                lines += report.written.map { "  \($0)" }
            }
            if !report.leftAlone.isEmpty {
                lines.append("")
                lines.append("Left for you:")
                lines += report.leftAlone.map { "  ! \($0)" }
            }
        }
        // Every line holds names, emails and usernames from the list or the people file, and none holds a control
        // character of its own: each is escaped whole, so no cell of the list can break a line or steer the terminal.
        return lines.map(\.escapedForTerminal).joined(separator: "\n") + "\n"
    }

    /// One JSON document: the files compared, the columns used, the diff and, after `--write`, what was written.
    public static func json(_ comparison: RosterComparison, report: RosterWriteReport? = nil) throws -> String {
        struct Document: Encodable {
            var team: String
            var people: String
            var csv: String
            var today: String
            var columns: RosterColumns
            var differences: Bool
            var diff: RosterDiff
            var write: RosterWriteReport?
        }
        let document = Document(
            team: comparison.teamFile, people: comparison.peopleFile, csv: comparison.csvFile,
            today: comparison.today.description, columns: comparison.columns, differences: !comparison.diff.isEmpty,
            diff: comparison.diff, write: report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    /// `Name <email>  nersc: user, frontier: user`, leaving out what is not known.
    private static func details(_ person: RosterDiff.Person, _ facilities: [String]) -> String {
        var parts: [String] = []
        var who = person.name ?? ""
        if let email = person.email { who += who.isEmpty ? "<\(email)>" : " <\(email)>" }
        if !who.isEmpty { parts.append(who) }
        let accounts = RosterWriter.ordered(person.accounts, facilities: facilities).map { "\($0.key): \($0.value)" }
        if !accounts.isEmpty { parts.append(accounts.joined(separator: ", ")) }
        return parts.joined(separator: "  ")
    }
}
