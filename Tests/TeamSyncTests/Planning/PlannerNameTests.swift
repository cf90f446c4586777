import AccountModels
import Testing

@testable import TeamSync

/// The planner never puts a name its back end's rules refuse into a change or a manual item: a facility member
/// `rsato,bchen` (two users to SFAPI's comma-separated `usernames=`) or `BCHEN` (bchen, to a facility that folds
/// case) is left out, and the plan is refused naming it, escaped, and the rule.
struct PlannerNameTests {
    static let manifest = Fixture.manifest(
        members: Fixture.members(["pi1", "bchen", "rsato"], roles: ["pi1": .pi]),
        groups: ["m1": GroupSpec(members: .all), "g1": GroupSpec(members: .list(["bchen", "rsato"]))],
        protected: ["bchen"])

    @Test(arguments: ["rsato,bchen", "BCHEN", "bchen ", "rsato\nbchen", "bchen\u{0}", "ｂｃｈｅｎ", "", "x&y=z"])
    func aFacilityNameThatIsNotOneIsInNoChangeAndRefusesThePlan(hostile: String) {
        let plan = Planner.plan(
            manifests: [Self.manifest],
            observed: Fixture.snapshot(groups: [
                "m1": ["pi1", "bchen", "rsato", "mallory", hostile], "g1": ["bchen", "rsato", "mallory", hostile],
            ]),
            options: Fixture.options())
        for change in plan.changes { #expect(!change.usernames.contains(hostile), "\(change.id)") }
        #expect(plan.manualItems.allSatisfy { $0.subject != hostile })
        // The other removals are still planned (the plan is refused as a whole anyway).
        #expect(plan.changes.map(Fixture.describe) == ["remove g1 mallory", "remove m1 mallory"])
        let refusal = plan.refusals.first { $0.contains(NameText.quoted(hostile)) }
        #expect(refusal?.contains("not a valid SFAPI username") == true, "\(plan.refusals)")
        #expect(refusal?.contains("group g1") == true || refusal?.contains("group m1") == true)
        #expect(!plan.refusals.joined().unicodeScalars.contains { $0.value < 0x20 }, "escaped: \(plan.refusals)")
    }

    @Test func slurmNamesAreSlurmsRules() {
        let naming = SlurmNaming()
        #expect(naming.problem(with: "f.alice", as: .username) == nil)
        #expect(naming.problem(with: "F.Alice", as: .username) != nil, "upper case is folded by Slurm: refused")
        #expect(naming.problem(with: "MixedProj", as: .project) == nil, "accounts are folded as Slurm does")
        #expect(naming.problem(with: "m1,m2", as: .project) != nil)
        #expect(naming.problem(with: "premium qos", as: .permission) != nil)
        #expect(naming.problem(with: "lumcal", as: .group) != nil, "Slurm holds no groups")
        #expect(naming.tresProblem("gres/gpu:a100") == nil)
        #expect(naming.tresProblem("cpu=1") != nil)
    }

    @Test func sfapiNamesAreNERSCsRules() {
        let naming = SFAPINaming()
        #expect(naming.problem(with: "amorales", as: .username) == nil)
        #expect(naming.problem(with: "_svc-1", as: .username) == nil)
        for bad in ["1abc", "-abc", "a.b", "a b", "a,b", "Ab", String(repeating: "a", count: 33)] {
            #expect(naming.problem(with: bad, as: .username) != nil, "\(bad)")
        }
        #expect(naming.problem(with: "lumcal", as: .group) == nil)
        #expect(naming.problem(with: "LumCal_1", as: .group) == nil)
        for bad in ["..", "a/b", "toolongname", "", "a?b"] {
            #expect(naming.problem(with: bad, as: .group) != nil, "\(bad)")
        }
        #expect(naming.problem(with: "m4812", as: .project) == nil)
    }
}
