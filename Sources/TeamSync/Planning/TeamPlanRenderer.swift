import Foundation

/// Turns a team plan into text, JSON or Markdown: one section per facility, each as ``PlanRenderer`` shows a
/// facility's plan with its own summary, then one total.
public enum TeamPlanRenderer {
    /// Sections like `== FACILITY: project PROJECT (BACKEND) ==`, each facility's plan as `teamctl plan` shows it, then the
    /// total.
    public static func text(_ plan: TeamPlan, color: Bool) -> String {
        let paint = PlanRenderer.Paint(enabled: color)
        var out =
            paint.bold(
                "teamctl plan for team \(plan.team.escapedForTerminal) at "
                    + plan.facilityNames.joined(separator: ", ").escapedForTerminal)
            + "\n"
        for facility in plan.facilityNames {
            out += "\n" + paint.bold("== \(title(plan, facility).escapedForTerminal) ==") + "\n"
            if let facilityPlan = plan.plan(for: facility) {
                out += PlanRenderer.text(facilityPlan, color: color)
            } else if let failure = plan.unreadable.first(where: { $0.facility == facility }) {
                out +=
                    paint.red("  x could not read \(facility.escapedForTerminal): \(failure.reason.escapedForTerminal)")
                    + "\n"
            }
        }
        out += "\n" + paint.bold(totalLine(plan).escapedForTerminal) + "\n"
        return out
    }

    /// The team plan file: pretty JSON with sorted keys.
    public static func json(_ plan: TeamPlan) throws -> String { String(decoding: try plan.jsonData(), as: UTF8.self) }

    /// A pull-request comment: the total first, then each facility's section as a one-facility plan comment.
    public static func markdown(_ plan: TeamPlan) -> String {
        var out = [
            "## teamctl plan for team \(PlanRenderer.escape(plan.team))", "",
            "**\(PlanRenderer.escape(totalLine(plan)))**", "",
        ]
        for facility in plan.facilityNames {
            out.append("### \(PlanRenderer.escape(title(plan, facility)))")
            out.append("")
            if let facilityPlan = plan.plan(for: facility) {
                // The facility's own comment, without its heading (the section's heading says the same).
                out += PlanRenderer.markdown(facilityPlan).split(separator: "\n", omittingEmptySubsequences: false)
                    .dropFirst(2).map(String.init)
            } else if let failure = plan.unreadable.first(where: { $0.facility == facility }) {
                out += [
                    "**Could not read \(PlanRenderer.escape(facility)):** \(PlanRenderer.escape(failure.reason))", "",
                ]
            }
        }
        return out.joined(separator: "\n")
    }

    /// `Total over 2 facilities: 12 changes, 30 manual items.` (and what failed).
    public static func totalLine(_ plan: TeamPlan) -> String {
        let total = plan.total
        let facilities = plan.facilityNames.count
        var line = "Total over \(PlanRenderer.count(facilities, "facility", "facilities")): "
        if plan.facilities.allSatisfy(\.isInSync) {
            line += "no changes"
        } else {
            let changing = plan.facilities.filter { !$0.changes.isEmpty }.map(\.basis.facility)
            line +=
                PlanRenderer.count(plan.changeCount, "change", "changes")
                + (changing.isEmpty ? "" : " (at \(changing.joined(separator: ", ")))") + ", "
                + PlanRenderer.count(total.manualItems, "manual item", "manual items")
        }
        if total.refusals > 0 { line += "; refused: " + PlanRenderer.count(total.refusals, "violation", "violations") }
        if !plan.unreadable.isEmpty {
            line += "; not read: " + plan.unreadable.map(\.facility).joined(separator: ", ")
        }
        return line + "."
    }

    static func title(_ plan: TeamPlan, _ facility: String) -> String {
        guard let facilityPlan = plan.plan(for: facility) else { return "\(facility): not read" }
        let projects = facilityPlan.projects.joined(separator: ", ")
        return "\(facility): project \(projects) (\(facilityPlan.basis.provider))"
    }
}
