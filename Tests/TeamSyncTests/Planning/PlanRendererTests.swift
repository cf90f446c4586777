import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct PlanRendererTests {
    /// The brief's example: a new group, a changed group, and a newcomer the roster lacks.
    static func smallPlan() -> Plan {
        let manifest = TeamManifest(
            project: "m4812",
            members: Fixture.members(["amorales", "dpatel", "jlarsen", "newbie"], roles: ["amorales": .pi]),
            groups: [
                "lumcal": GroupSpec(members: .list(["amorales", "dpatel"])),
                "lumsim": GroupSpec(members: .list(["amorales", "jlarsen"])),
            ])
        let snapshot = FacilitySnapshot(
            id: 12, fetchedAt: 1_795_600_800, facility: "nersc", caller: "amorales",
            roles: [RoleStats(id: 1, description: "Lumen", repo_name: "m4812", iris_role: "PI")],
            groups: [
                "lumcal": GroupStats(
                    gid: 1, name: "lumcal",
                    users: [
                        UserStats(uid: 1, name: "amorales"), UserStats(uid: 2, name: "mallory"),
                    ]),
                "m4812": GroupStats(
                    gid: 2, name: "m4812",
                    users: [
                        UserStats(uid: 1, name: "amorales"), UserStats(uid: 3, name: "dpatel"),
                        UserStats(uid: 4, name: "jlarsen"),
                    ]),
            ])
        return Planner.plan(
            manifests: [manifest], observed: snapshot, capabilities: .sfapiV1_2,
            options: PlanOptions(today: Fixture.today))
    }

    @Test func textMatchesTheGolden() {
        let expected = """
            teamctl plan for m4812 (snapshot 12 of nersc as amorales, fetched 2026-11-25 10:00 UTC)

              ~ group lumcal (project m4812)
                  + dpatel
                  - mallory
              + group lumsim (project m4812)
                  + amorales
                  + jlarsen

            Manual (Iris):
              ! mallory: remove from project m4812 — Iris: https://iris.nersc.gov/ → project m4812 → Roster (not in the manifest)
              ! newbie: add to project m4812 — Iris: https://iris.nersc.gov/ → project m4812 → Roster (done once a refresh shows newbie in one of the project's groups)

            Plan: 1 to create, 1 group to change (3 to add, 1 to remove), 2 manual items.

            """
        let plan = Self.smallPlan()
        #expect(plan.warnings.isEmpty)
        #expect(PlanRenderer.text(plan, color: false) == expected)
    }

    @Test func textShowsEveryChangeAndItemOfAnyPlan() {
        let plan = PlanDeterminismTests.plan(seed: 1)
        let text = PlanRenderer.text(plan, color: false)
        let lines = text.split(separator: "\n").map(String.init)
        for change in plan.changes {
            let sign = change.kind == .removeMembers ? "-" : "+"
            for name in change.usernames {
                #expect(lines.contains("      \(sign) \(name)"), "\(change.id) \(name)")
            }
            if change.kind == .createGroup, let group = change.group {
                #expect(lines.contains("  + group \(group) (project \(change.project))"))
            }
        }
        for item in plan.manualItems {
            let line = lines.first { $0.hasPrefix("  ! \(item.subject): \(item.action) — ") }
            #expect(line != nil, "\(item.id)")
            // Unverifiable items show the id a person acknowledges once done.
            #expect(line?.hasSuffix(" [\(item.id)]") == !item.verifiable, "\(item.id)")
        }
        #expect(lines.last == PlanRenderer.summaryLine(plan))
        #expect(!text.contains("\u{1B}["))
    }

    @Test func colourOnlyWhenAsked() {
        let plan = Self.smallPlan()
        let coloured = PlanRenderer.text(plan, color: true)
        #expect(coloured.contains("\u{1B}[32m+\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[31m-\u{1B}[0m"))
        let stripped = coloured.replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == PlanRenderer.text(plan, color: false))
    }

    @Test func markdownPutsTheSummaryFirstAndCollapsesDetails() {
        let plan = PlanDeterminismTests.plan(seed: 1)
        let markdown = PlanRenderer.markdown(plan)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "### teamctl plan for m1, m2")
        #expect(lines[2] == "**\(PlanRenderer.summaryLine(plan))**")
        #expect(markdown.contains("<details><summary>Changes (\(PlanRenderer.blocks(plan).count))</summary>"))
        #expect(markdown.contains("<details><summary>Manual items for Iris (\(plan.manualItems.count))</summary>"))
        #expect(markdown.contains("<details><summary>Warnings (\(plan.warnings.count))</summary>"))
        let tableRows = lines.filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Project") }
        #expect(tableRows.count == plan.manualItems.count)
        for (row, item) in zip(tableRows, plan.manualItems) { #expect(row.hasSuffix("| `\(item.id)` |")) }
        for change in plan.changes where change.kind == .removeMembers {
            for name in change.usernames { #expect(lines.contains("-     \(name)")) }
        }
        #expect(
            markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)
    }

    @Test func markdownStaysCommentSizedForHugePlans() {
        let users = (0..<3000).map { "user\($0)" }
        let plan = Planner.plan(
            manifests: [
                Fixture.manifest(
                    members: Fixture.members(["pi1"] + users, roles: ["pi1": .pi]),
                    groups: ["m1": GroupSpec(members: .all)])
            ],
            observed: Fixture.snapshot(groups: ["m1": ["pi1"]]), capabilities: .sfapiV1_2, options: Fixture.options())
        let markdown = PlanRenderer.markdown(plan)
        #expect(markdown.utf8.count < 65_536)
        #expect(
            markdown.contains("… \(users.count + 1 - PlanRenderer.markdownMaxDiffLines) more lines: see the plan file"))
        #expect(markdown.contains("… \(plan.manualItems.count - PlanRenderer.markdownMaxManualRows) more manual items"))
        #expect(markdown.contains("… \(plan.warnings.count - PlanRenderer.markdownMaxWarnings) more warnings"))
    }

    @Test func markdownEscapesTableCells() {
        #expect(PlanRenderer.escape("a|b<script>") == "a\\|b&lt;script&gt;")
    }

    @Test func inSyncPlanSaysSo() {
        let plan = Planner.plan(
            manifests: [Fixture.manifest(members: Fixture.members(["pi1"], roles: ["pi1": .pi]))],
            observed: Fixture.snapshot(), capabilities: .sfapiV1_2, options: Fixture.options())
        #expect(plan.isInSync)
        let text = PlanRenderer.text(plan, color: false)
        #expect(text.contains("  No changes to apply."))
        #expect(text.hasSuffix("No changes. The facility matches the manifests.\n"))
        #expect(ExitStatus.detailed(plan) == 0)
    }

    @Test func detailedExitCodes() {
        let changes = Self.smallPlan()
        #expect(ExitStatus.detailed(changes) == 2)
        var manualOnly = changes
        manualOnly.changes = []
        #expect(ExitStatus.detailed(manualOnly) == 3)
        var refused = changes
        refused.refusals = ["too many removals"]
        #expect(ExitStatus.detailed(refused) == 1)
    }

    @Test func summaryLineCountsAndPluralises() {
        let plan = Self.smallPlan()
        #expect(plan.summary.groupsToCreate == 1)
        #expect(plan.summary.groupsToChange == 1)
        #expect(
            plan.summary.membersToAdd
                == plan.changes.filter { $0.kind == .addMembers }.map(\.usernames.count).reduce(0, +))
        #expect(
            PlanRenderer.summaryLine(plan)
                == "Plan: 1 to create, 1 group to change (3 to add, 1 to remove), 2 manual items.")
    }
}
