import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct PlanCodecTests {
    @Test func savedPlanLoadsBackEqual() throws {
        let plan = PlanDeterminismTests.plan(seed: 1)
        let loaded = try Plan.load(from: try plan.jsonData())
        #expect(loaded == plan)
        #expect(try loaded.jsonData() == plan.jsonData())
    }

    @Test func jsonIsPrettySortedAndEndsWithNewline() throws {
        let text = try PlanRenderer.json(PlanDeterminismTests.plan(seed: 1))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\n  \"basis\" : {"))
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
        #expect(keys.first == "basis" && keys.contains("formatVersion") && keys.contains("planID"))
    }

    @Test func anEditedPlanIsRefused() throws {
        let plan = PlanDeterminismTests.plan(seed: 1)
        var edited = plan
        let first = edited.changes[0]
        edited.changes[0] = PlannedChange(
            id: first.id, facility: first.facility, project: first.project,
            action: .addGroupMembers(group: first.group ?? "g", usernames: first.usernames + ["intruder"]))
        let data = try Plan.makeEncoder().encode(edited)
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: data) }
        guard case .edited(let recorded) = error else {
            Issue.record("expected .edited, got \(error)")
            return
        }
        #expect(recorded == plan.planID)
        #expect(error.description.contains("changed after it was made"))
        #expect(!error.description.contains(edited.computedPlanID()), "never the id that would pass")
        #expect(!error.description.contains(plan.planID))
    }

    /// The summary is the plan's counts, not a claim: a file whose summary disagrees with its changes is refused,
    /// even with its id recomputed.
    @Test func aSummaryThatDoesNotCountTheChangesIsRefused() throws {
        var plan = PlanDeterminismTests.plan(seed: 1)
        plan.summary.membersToRemove += 20
        plan.planID = plan.computedPlanID()
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: try plan.jsonData()) }
        #expect(error == .summaryMismatch(["membersToRemove"]))
        #expect(error.description.contains("summary"))
    }

    @Test func aFutureFormatVersionIsRefusedClearly() throws {
        let data = Data(#"{"formatVersion": 4, "changes": []}"#.utf8)
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: data) }
        #expect(error == .unsupportedVersion(4))
        #expect(error.description.contains("version 4 is not supported"))
    }

    /// A plan saved by an earlier release (format 1, or format 2, which records no manifests, so it cannot be proven)
    /// is refused with a message that says to plan again.
    @Test(arguments: [1, 2])
    func aPlanOfAnOldFormatIsRefusedWithAdviceToPlanAgain(version: Int) throws {
        let data = Data(#"{"formatVersion": \#(version), "planID": "0011223344556677", "changes": []}"#.utf8)
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: data) }
        #expect(error == .unsupportedVersion(version))
        #expect(error.description.contains("make the plan again"))
    }

    @Test(arguments: ["", "not json", "[1, 2]", #"{"changes": []}"#])
    func somethingElseIsNotAPlan(text: String) throws {
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: Data(text.utf8)) }
        guard case .notAPlan = error else {
            Issue.record("expected .notAPlan, got \(error)")
            return
        }
    }

    @Test func aDamagedPlanNamesTheField() throws {
        let text = try PlanRenderer.json(PlanDeterminismTests.plan(seed: 1))
            .replacingOccurrences(of: "\"toolVersion\"", with: "\"toolVersionX\"")
        let error = try #require(throws: PlanLoadError.self) { try Plan.load(from: Data(text.utf8)) }
        #expect(error.description.contains("'toolVersion' is missing"))
    }

    @Test func timestampsAreISO8601UTC() {
        #expect(Plan.isoTimestamp(0) == "1970-01-01T00:00:00Z")
        #expect(Plan.isoTimestamp(1_795_600_800) == "2026-11-25T10:00:00Z")
        #expect(Plan.isoTimestamp(1_795_600_800 + 3_661.9) == "2026-11-25T11:01:01Z")
    }
}
