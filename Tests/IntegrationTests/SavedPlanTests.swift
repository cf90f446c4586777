import AccountModels
import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// `teamctl plan --out FILE` then `teamctl apply FILE`: exactly the reviewed plan, or nothing.
struct SavedPlanTests {
    @Test func aSavedPlanAppliesExactlyAndIsThenDone() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: harness.path("plan.json"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let savedText = try String(contentsOfFile: harness.path("plan.json"), encoding: .utf8)
        #expect(!savedText.contains(harness.token), "no credential in a plan file")
        let saved = try PlanJSON(savedText)

        let apply = try await harness.run(["apply", "plan.json"])
        #expect(apply.status != 0, "no terminal and no --yes: refused")
        let applied = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(applied.status == 0, "\(applied.output)")
        #expect(await harness.mutatingRequests().count == saved.changes.count)

        let again = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(again.status == 0, "\(again.output)")
        #expect(await harness.mutatingRequests().count == saved.changes.count, "a second apply repeats nothing")
    }

    @Test func aSavedPlanIsRefusedAfterSomeoneElseChangedTheGroup() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        // Someone else (another session of the PI, in Iris) adds hkim to lumcal in the meantime.
        try await harness.changeGroupOutOfBand("lumcal", action: "batch_add", usernames: ["hkim"], token: "demo-pi")
        let writesBefore = await harness.mutatingRequests().count

        let apply = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("lumcal"), "the refusal names the group that moved: \(apply.output)")
        #expect(await harness.mutatingRequests().count == writesBefore, "nothing sent")
    }

    @Test(arguments: [
        ("changes", #""zlindqvist"]"#, #""olduser"]"#),
        ("planID", #""planID":""#, #""planID":"0"#),
    ])
    func aTamperedPlanFileIsRefused(field: String, original: String, replacement: String) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let text = try String(contentsOfFile: harness.path("plan.json"), encoding: .utf8)
        let compact = try compactJSON(text)
        try #require(compact.contains(original), "the saved plan has \(original) in \(field)")
        try harness.write("plan.json", compact.replacingOccurrences(of: original, with: replacement))

        let apply = try await harness.run(["apply", "plan.json", "--yes"])
        #expect(apply.status != 0, "\(apply.output)")
        #expect(apply.stderr.contains("plan.json"), "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty)
    }

    private func compactJSON(_ text: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aSavedPlanIsRefusedWithAnotherCallersCredentials() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "plan.json",
        ])
        #expect(plan.status == 0, "\(plan.output)")
        let apply = try await harness.run(
            ["apply", "plan.json", "--yes"], environment: ["TEAMCTL_ACCESS_TOKEN": "demo-member"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stderr.contains("'amorales'") && apply.stderr.contains("'dpatel'"), "\(apply.output)")
        #expect(!apply.stderr.contains("demo-member"), "the token is never printed")
        #expect(await harness.mutatingRequests().isEmpty)
    }
}

/// The attack as found: `plan --out`, edit the saved changes, recompute `planID` the way Plan+Codec does, `apply
/// PLANFILE --yes`. `apply` proves the plan before sending anything: it plans the recorded manifests again against the
/// plan's snapshot and re-checks every policy rule on the saved changes, so each edit is refused with nothing sent.
struct TamperedSavedPlanTests {
    enum Tampering: String, CaseIterable, Sendable {
        /// Protected bchen added to a removal; the summary left as it was, so it understates the removals.
        case protectedRemovalWithStaleSummary
        /// The same, with the summary recomputed so that it agrees.
        case protectedRemoval
        /// Protected bchen, spelled as the facility might fold it.
        case protectedRemovalInCapitals
        /// Twenty more removals than the plan had (max_removals is 10).
        case twentyExtraRemovals
        /// rsato taken from lumrel, which is additive.
        case additiveGroupRemoval
        /// A group the manifests do not declare.
        case groupNotInTheManifests
        /// A change for a project no manifest governs.
        case anotherProject
        /// Only the summary: it says nobody is removed.
        case summaryOnly
        /// The basis of a touched group, edited to match a member someone added since, so the drift check passes.
        case basisEdited
        /// dpatel, whom the manifest wants in lumcal and no policy protects, taken out of it.
        case desiredMemberRemoved
        /// tjones, who is no member of the manifest, added to lumcal.
        case outsiderAdded
    }

    /// What the refusal must name for each tampering.
    static func named(_ tampering: Tampering) -> [String] {
        switch tampering {
        case .protectedRemovalWithStaleSummary: ["summary"]
        case .protectedRemoval: ["bchen", "protected"]
        case .protectedRemovalInCapitals: ["protected"]
        case .twentyExtraRemovals: ["max_removals"]
        case .additiveGroupRemoval: ["lumrel", "additive"]
        case .groupNotInTheManifests: ["lumrd"]
        case .anotherProject: ["m4999"]
        case .summaryOnly: ["summary"]
        case .basisEdited: ["lumcal"]
        case .desiredMemberRemoved: ["lumcal"]
        case .outsiderAdded: ["tjones"]
        }
    }

    @Test(arguments: Tampering.allCases)
    func anEditedPlanWithARecomputedIDIsRefusedAndNothingIsSent(_ tampering: Tampering) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let made = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "p.json",
        ])
        #expect(made.status == 0, "\(made.output)")
        let m4812Before = try #require(await harness.members(of: "m4812"))
        if tampering == .basisEdited {
            try await harness.changeGroupOutOfBand(
                "lumcal", action: "batch_add", usernames: ["rsato"], token: "demo-pi")
        }
        let writesBefore = await harness.mutatingRequests().count

        let recompute = tampering != .protectedRemovalWithStaleSummary && tampering != .summaryOnly
        try Self.tamper(harness, recomputeSummary: recompute) { plan in
            let remove = plan.changes.firstIndex { $0.kind == .removeMembers && $0.group == "m4812" }
            func removal(_ group: String, _ users: [String], project: String = "m4812") -> PlannedChange {
                PlannedChange(
                    id: "nersc/\(project)/groups/\(group)/remove", facility: "nersc", project: project,
                    action: .removeGroupMembers(group: group, usernames: users))
            }
            switch tampering {
            case .protectedRemovalWithStaleSummary, .protectedRemoval, .protectedRemovalInCapitals:
                let index = try #require(remove)
                let name = tampering == .protectedRemovalInCapitals ? "BCHEN" : "bchen"
                plan.changes[index] = removal("m4812", plan.changes[index].usernames + [name])
                #expect(plan.changes[index].id == "nersc/m4812/groups/m4812/remove")
            case .twentyExtraRemovals:
                let index = try #require(remove)
                let twenty = [
                    "dpatel", "eschmidt", "fnakamura", "grossi", "hkim", "iwojcik", "jlarsen", "kmensah", "lfischer",
                    "mdubois", "nsingh", "oivanova", "pcosta", "qnguyen", "rsato", "sgarcia", "tobrien", "ualvarez",
                    "vhansen", "wzhang",
                ]
                plan.changes[index] = removal("m4812", plan.changes[index].usernames + twenty)
            case .additiveGroupRemoval:
                plan.changes.append(removal("lumrel", ["rsato"]))
                plan.basis.targets["group lumrel"] = TargetState(values: ["amorales", "bchen", "qnguyen", "rsato"])
            case .groupNotInTheManifests:
                plan.changes.append(removal("lumrd", ["tjones"]))
                plan.basis.targets["group lumrd"] = TargetState(values: ["amorales", "dpatel", "tjones"])
            case .anotherProject:
                plan.changes.append(removal("lumrd", ["tjones"], project: "m4999"))
                plan.projects = (plan.projects + ["m4999"]).sorted()
                plan.basis.targets["group lumrd"] = TargetState(values: ["amorales", "dpatel", "tjones"])
            case .summaryOnly:
                plan.summary.membersToRemove = 0
            case .basisEdited:
                plan.basis.targets["group lumcal"]?.values.insert("rsato")
            case .desiredMemberRemoved:
                let index = try #require(plan.changes.firstIndex { $0.kind == .removeMembers && $0.group == "lumcal" })
                plan.changes[index] = removal("lumcal", plan.changes[index].usernames + ["dpatel"])
            case .outsiderAdded:
                let index = try #require(plan.changes.firstIndex { $0.kind == .addMembers && $0.group == "lumcal" })
                let change = plan.changes[index]
                plan.changes[index] = PlannedChange(
                    id: change.id, facility: change.facility, project: change.project,
                    action: .addGroupMembers(group: "lumcal", usernames: change.usernames + ["tjones"]))
            }
        }

        let apply = try await harness.run(["apply", "p.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        for word in Self.named(tampering) {
            #expect(apply.stderr.contains(word), "the refusal names \(word): \(apply.output)")
        }
        #expect(apply.stderr.contains("p.json"), "\(apply.output)")
        #expect(await harness.mutatingRequests().count == writesBefore, "nothing was sent")
        #expect(await harness.members(of: "m4812") == m4812Before)
        #expect(await harness.members(of: "lumcal")?.contains("dpatel") == true)
        #expect(await harness.members(of: "lumcal")?.contains("hkim") == false, "not even the reviewed changes")
        #expect(await harness.members(of: "lumrel")?.contains("rsato") == true)
        #expect(await harness.members(of: "lumrd")?.contains("tjones") == true)
    }

    /// The caller is kept by the planner even when no policy protects them; a removal of the caller added to the
    /// saved plan is refused.
    @Test func aRemovalOfTheCallerIsRefused() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let text = try String(contentsOfFile: harness.path("team.yaml"), encoding: .utf8)
        try harness.write(
            "team.yaml", text.replacingOccurrences(of: "protected: [amorales, bchen]", with: "protected: [bchen]"))
        let made = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "p.json",
        ])
        #expect(made.status == 0, "\(made.output)")
        try Self.tamper(harness) { plan in
            let index = try #require(plan.changes.firstIndex { $0.kind == .removeMembers && $0.group == "lumana" })
            let change = plan.changes[index]
            plan.changes[index] = PlannedChange(
                id: change.id, facility: change.facility, project: change.project,
                action: .removeGroupMembers(group: "lumana", usernames: change.usernames + ["amorales"]))
        }
        let apply = try await harness.run(["apply", "p.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stderr.contains("amorales"), "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty)
        #expect(await harness.members(of: "lumana")?.contains("amorales") == true)
    }

    /// A manifest edited (or removed) after the plan was made: the plan no longer says what the manifests say.
    @Test(arguments: ["edited", "removed"])
    func aManifestChangedSinceThePlanIsRefusedByName(_ how: String) async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let made = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "p.json",
        ])
        #expect(made.status == 0, "\(made.output)")
        let text = try String(contentsOfFile: harness.path("team.yaml"), encoding: .utf8)
        switch how {
        case "edited":
            try harness.write(
                "team.yaml",
                text.replacingOccurrences(of: "protected: [amorales, bchen]", with: "protected: [amorales]"))
        default:
            try FileManager.default.removeItem(atPath: harness.path("team.yaml"))
        }
        let apply = try await harness.run(["apply", "p.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stderr.contains("team.yaml"), "names the manifest: \(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty)
        #expect(await harness.members(of: "lumcal")?.contains("bchen") == true)
    }

    /// An edit without a recomputed id is refused, and the refusal does not print the id that would pass.
    @Test func theRefusalOfAnEditedFileDoesNotPrintTheIDThatWouldPass() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let made = try await harness.run([
            "plan", "-f", "team.yaml", "--today", PlanApplyTests.today, "--out", "p.json",
        ])
        #expect(made.status == 0, "\(made.output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: harness.path("p.json")))
        var plan = try JSONDecoder().decode(TeamSync.Plan.self, from: data)
        let index = try #require(plan.changes.firstIndex { $0.kind == .removeMembers })
        let change = plan.changes[index]
        plan.changes[index] = PlannedChange(
            id: change.id, facility: change.facility, project: change.project,
            action: .removeGroupMembers(group: change.group ?? "", usernames: change.usernames + ["bchen"]))
        let wouldPass = plan.computedPlanID()
        try plan.jsonData().write(to: URL(fileURLWithPath: harness.path("p.json")))
        let apply = try await harness.run(["apply", "p.json", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(!apply.output.contains(wouldPass), "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty)
    }

    /// Reads p.json, applies `edit`, recomputes `planID` (and the summary, unless told not to) and writes it back.
    static func tamper(
        _ harness: TeamctlHarness, file: String = "p.json", recomputeSummary: Bool = true,
        _ edit: (inout TeamSync.Plan) throws -> Void
    ) throws {
        let url = URL(fileURLWithPath: harness.path(file))
        var plan = try JSONDecoder().decode(TeamSync.Plan.self, from: Data(contentsOf: url))
        try edit(&plan)
        if recomputeSummary {
            plan.summary = PlanSummary(
                changes: plan.changes, manualItems: plan.manualItems, warnings: plan.warnings, refusals: plan.refusals)
        }
        plan.planID = plan.computedPlanID()
        try plan.jsonData().write(to: url)
    }
}
