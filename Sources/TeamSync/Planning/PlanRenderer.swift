import Foundation

/// Turns a plan into text for a terminal, JSON for machines, or Markdown for a pull-request comment.
public enum PlanRenderer {
    /// A `terraform plan`-like listing: `+` create or add, `-` remove, `~` change, `!` manual.
    /// ANSI colour only when `color` is true (the caller decides: a terminal, and no `NO_COLOR`).
    public static func text(_ plan: Plan, color: Bool) -> String {
        let paint = Paint(enabled: color)
        var lines: [String] = [paint.bold(header(plan)), ""]
        for block in blocks(plan) {
            lines.append("  " + paint.sign(block.sign) + " " + block.title)
            for entry in block.entries {
                lines.append("      " + paint.sign(entry.sign) + " " + entry.text)
            }
        }
        if plan.changes.isEmpty { lines.append("  No changes to apply.") }
        if !plan.manualItems.isEmpty {
            lines += ["", plan.basis.manualSystem.map { "Manual (\($0.escapedForTerminal)):" } ?? "Manual:"]
            for item in plan.manualItems {
                lines.append("  " + paint.sign("!") + " " + manualLine(item))
            }
        }
        if !plan.warnings.isEmpty {
            lines += ["", "Warnings:"]
            lines += plan.warnings.map { "  " + paint.yellow("*") + " \($0.message.escapedForTerminal)" }
        }
        if !plan.refusals.isEmpty {
            lines += ["", paint.red("Refused: apply will not run this plan:")]
            lines += plan.refusals.map { "  " + paint.red("x") + " \($0.escapedForTerminal)" }
        }
        lines += ["", paint.bold(summaryLine(plan))]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plan file: pretty JSON with sorted keys (see `docs/plan-format.md`).
    public static func json(_ plan: Plan) throws -> String {
        String(decoding: try plan.jsonData(), as: UTF8.self)
    }

    /// The most diff lines a Markdown comment shows; forges cap comments (GitHub at 65,536 characters).
    public static let markdownMaxDiffLines = 1_000
    /// The most manual items a Markdown comment lists.
    public static let markdownMaxManualRows = 100
    /// The most warnings a Markdown comment lists.
    public static let markdownMaxWarnings = 100

    /// A pull-request comment: the summary first, then collapsible details (long lists are cut short).
    public static func markdown(_ plan: Plan) -> String {
        var out: [String] = ["### teamctl plan for \(escape(plan.projects.joined(separator: ", ")))", ""]
        out.append("**\(summaryLine(plan))**")
        out.append("")
        if !plan.refusals.isEmpty {
            out.append("**Refused: apply will not run this plan:**")
            out += plan.refusals.map { "- \(escape($0))" }
            out.append("")
        }
        let basis = plan.basis
        out.append(
            "Snapshot \(basis.snapshotID) of \(MarkdownText.code(basis.facility)) as \(MarkdownText.code(basis.caller)), "
                + "fetched \(fetchedText(basis.fetchedAt)); plan \(MarkdownText.code(plan.planID)).")
        out.append("")
        let blocks = blocks(plan)
        if !blocks.isEmpty {
            var diff: [String] = []
            for block in blocks {
                diff.append((block.sign == "+" ? "+ " : "! ") + block.title)
                diff += block.entries.map { ($0.sign == "~" ? "!" : $0.sign) + "     " + $0.text }
            }
            // Every piece of facility text in `diff` is on one line (see `blocks`), and the fence is longer than any
            // run of backticks in it, so nothing inside can close the block.
            let shown = Array(diff.prefix(markdownMaxDiffLines))
            let fence = MarkdownText.fence(for: shown)
            out += ["<details><summary>Changes (\(blocks.count))</summary>", "", fence + "diff"]
            out += shown
            if diff.count > markdownMaxDiffLines {
                out.append("  … \(diff.count - markdownMaxDiffLines) more lines: see the plan file")
            }
            out += [fence, "", "</details>", ""]
        }
        if !plan.manualItems.isEmpty {
            let place = plan.basis.manualSystem.map { " for \(escape($0))" } ?? ""
            out += ["<details><summary>Manual items\(place) (\(plan.manualItems.count))</summary>", ""]
            out += ["| Project | Who | What | Where | Note | Id |", "|---|---|---|---|---|---|"]
            for item in plan.manualItems.prefix(markdownMaxManualRows) {
                let cells = [item.project, item.subject, item.action, item.where, item.note ?? ""].map(escape)
                out.append("| " + (cells + [MarkdownText.code(item.id)]).joined(separator: " | ") + " |")
            }
            if plan.manualItems.count > markdownMaxManualRows {
                out += [
                    "", "… \(plan.manualItems.count - markdownMaxManualRows) more manual items: see the plan file.",
                ]
            }
            out += ["", "</details>", ""]
        }
        if !plan.warnings.isEmpty {
            out += ["<details><summary>Warnings (\(plan.warnings.count))</summary>", ""]
            out += plan.warnings.prefix(markdownMaxWarnings).map { "- \(escape($0.message))" }
            if plan.warnings.count > markdownMaxWarnings {
                out.append("- … \(plan.warnings.count - markdownMaxWarnings) more warnings: see the plan file")
            }
            out += ["", "</details>", ""]
        }
        return out.joined(separator: "\n")
    }

    /// The one-line summary, e.g. `Plan: 1 to create, 2 groups to change (5 to add, 1 to remove), 3 manual items.`
    public static func summaryLine(_ plan: Plan) -> String {
        let s = plan.summary
        if plan.isInSync { return "No changes. The facility matches the manifests." }
        var parts = [
            "\(s.groupsToCreate) to create",
            "\(count(s.groupsToChange, "group", "groups")) to change (\(s.membersToAdd) to add, "
                + "\(s.membersToRemove) to remove)",
        ]
        if s.rosterChanges > 0 { parts.append(count(s.rosterChanges, "roster change", "roster changes")) }
        if s.permissionChanges > 0 {
            parts.append(count(s.permissionChanges, "permission change", "permission changes"))
        }
        if s.limitChanges > 0 { parts.append(count(s.limitChanges, "limit change", "limit changes")) }
        parts.append(count(s.manualItems, "manual item", "manual items"))
        var line = "Plan: " + parts.joined(separator: ", ") + "."
        if s.refusals > 0 { line += " Refused: " + count(s.refusals, "policy violation", "policy violations") + "." }
        return line
    }

    // MARK: Pieces

    struct Block {
        var sign: String
        var title: String
        var entries: [(sign: String, text: String)]
    }

    static func blocks(_ plan: Plan) -> [Block] {
        plan.changesByTarget.map { target, changes in
            var entries: [(sign: String, text: String)] = []
            for change in changes {
                switch change.action {
                case .createGroup: continue
                case .addGroupMembers(_, let names), .addProjectMembers(let names), .grantPermission(_, let names):
                    entries += names.map { ("+", $0.escapedForTerminal) }
                case .removeGroupMembers(_, let names), .removeProjectMembers(let names),
                    .revokePermission(_, let names):
                    entries += names.map { ("-", $0.escapedForTerminal) }
                case .setRole(let role, let names):
                    entries += names.map { ("~", "\($0.escapedForTerminal): role \(role.rawValue.escapedForTerminal)") }
                case .setLimit(_, let resource, let value):
                    entries.append(("~", "\(resource.rawValue): \(value)"))
                }
            }
            let project = (changes.first?.project ?? "").escapedForTerminal
            switch target {
            case .group(let group):
                let group = group.escapedForTerminal
                let created = changes.contains { $0.kind == .createGroup }
                return Block(sign: created ? "+" : "~", title: "group \(group) (project \(project))", entries: entries)
            case .roster: return Block(sign: "~", title: "roster of project \(project)", entries: entries)
            case .roles: return Block(sign: "~", title: "roles in project \(project)", entries: entries)
            case .permission(_, let name):
                let name = name.escapedForTerminal
                return Block(sign: "~", title: "permission \(name) (project \(project))", entries: entries)
            case .limits(_, let subject):
                let subject = subject.escapedForTerminal
                let whose =
                    subject.isEmpty ? "limits of project \(project)" : "limits of \(subject) (project \(project))"
                return Block(sign: "~", title: whose, entries: entries)
            }
        }
    }

    static func header(_ plan: Plan) -> String {
        let b = plan.basis
        let projects = plan.projects.joined(separator: ", ").escapedForTerminal
        return "teamctl plan for \(projects) (snapshot \(b.snapshotID) of "
            + "\(b.facility.escapedForTerminal) as \(b.caller.escapedForTerminal), fetched \(fetchedText(b.fetchedAt)))"
    }

    static func manualLine(_ item: ManualItem) -> String {
        let who = item.subject.isEmpty ? "project \(item.project)" : item.subject
        var line = "\(who): \(item.action) — \(item.where)"
        if let note = item.note { line += " (\(note))" }
        if !item.verifiable { line += " [\(item.id)]" }
        return line.escapedForTerminal
    }

    static func fetchedText(_ seconds: Double) -> String {
        let iso = Plan.isoTimestamp(seconds)  // 2026-11-25T10:00:00Z
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }

    static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

    /// Text from a facility or a file, for Markdown prose or a table cell: see ``MarkdownText/inline(_:)``.
    static func escape(_ text: String) -> String { MarkdownText.inline(text) }

    struct Paint {
        var enabled: Bool
        func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func bold(_ text: String) -> String { wrap("1", text) }
        func red(_ text: String) -> String { wrap("31", text) }
        func yellow(_ text: String) -> String { wrap("33", text) }
        func sign(_ sign: String) -> String {
            switch sign {
            case "+": return wrap("32", sign)
            case "-": return wrap("31", sign)
            case "~": return wrap("33", sign)
            default: return wrap("36", sign)
            }
        }
    }
}
