import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The rules a saved plan is held to before `apply` sends anything, as pure functions: the policy on its own changes,
/// the comparison with the plan its manifests give again, and the checks of the files it records.
struct SavedPlanProofTests {
    static let manifest = Fixture.manifest(
        members: Fixture.members(
            ["pi1", "alice", "bob", "carol", "gone"], roles: ["pi1": .pi], until: ["gone": Fixture.day(-10)]),
        groups: [
            "m1": GroupSpec(members: .all),
            "g1": GroupSpec(members: .list(["alice", "bob"])),
            "rel": GroupSpec(members: .list(["alice"]), mode: .additive),
        ],
        protected: ["alice"], maxRemovals: 3)

    static let state: [String: [String]] = [
        "m1": ["pi1", "alice", "bob", "carol", "mallory"], "g1": ["alice", "mallory"], "rel": ["alice", "zed"],
    ]

    static func plan(_ state: [String: [String]] = state, manifest: TeamManifest = manifest) -> Plan {
        Planner.plan(
            manifests: [manifest], observed: Fixture.snapshot(groups: state), capabilities: .sfapiV1_2,
            options: Fixture.options())
    }

    static func policy(_ plan: Plan, maxRemovals: Int? = nil, today: CalendarDay = Fixture.today) -> [String] {
        SavedPlanRules.policyProblems(
            plan, manifests: [manifest], maxRemovals: maxRemovals, today: today, capabilities: .sfapiV1_2,
            naming: SFAPINaming(), provider: "sfapi")
    }

    /// The plan with `change` appended (the way an edit would add one).
    static func adding(_ action: PlannedChange.Action, project: String = "m1", id: String = "nersc/m1/x") -> Plan {
        var edited = plan()
        edited.changes.append(PlannedChange(id: id, facility: "nersc", project: project, action: action))
        return edited
    }

    @Test func theScenarioIsWhatTheTestsAssume() {
        let made = Self.plan()
        #expect(made.changes.map(Fixture.describe) == ["add g1 bob", "remove g1 mallory", "remove m1 mallory"])
        #expect(made.refusals.isEmpty)
    }

    @Test func aPlanAsMadeHoldsEveryRuleAndMatchesItself() {
        let made = Self.plan()
        #expect(Self.policy(made).isEmpty)
        #expect(SavedPlanRules.replanProblems(saved: made, again: made, sameSnapshot: true).isEmpty)
    }

    /// Each edit breaks the rule named, found by the policy check alone, as if the re-plan had been skipped.
    @Test(arguments: [
        (PlannedChange.Action.removeGroupMembers(group: "g1", usernames: ["alice"]), "protected"),
        (.removeGroupMembers(group: "g1", usernames: ["ALICE"]), "protected"),
        (.removeGroupMembers(group: "g1", usernames: ["alice "]), "protected"),
        (.removeGroupMembers(group: "g1", usernames: ["ａｌｉｃｅ"]), "protected"),
        (.removeGroupMembers(group: "m1", usernames: ["pi1"]), "runs teamctl"),
        (.removeGroupMembers(group: "rel", usernames: ["zed"]), "additive"),
        (.removeGroupMembers(group: "other", usernames: ["bob"]), "does not declare"),
        (.removeGroupMembers(group: "m1", usernames: ["bob", "carol", "x1", "x2"]), "max_removals"),
        (.addGroupMembers(group: "g1", usernames: ["carol"]), "do not include"),
        (.addGroupMembers(group: "m1", usernames: ["gone"]), "ended"),
        (.addGroupMembers(group: "m1", usernames: ["intruder"]), "does not list"),
        (.addProjectMembers(usernames: ["bob"]), "does not write"),
        (.removeGroupMembers(group: "g1", usernames: ["rsato,bchen"]), "not a valid SFAPI username"),
        (.createGroup(group: "../x"), "not a valid SFAPI group name"),
    ])
    func anEditedChangeBreaksItsRule(_ action: PlannedChange.Action, rule: String) {
        let problems = Self.policy(Self.adding(action))
        #expect(problems.contains { $0.contains(rule) }, "\(problems)")
    }

    @Test func aChangeForAnotherProjectOrFacilityIsOutOfScope() {
        let other = Self.adding(.removeGroupMembers(group: "g9", usernames: ["bob"]), project: "m9")
        #expect(Self.policy(other).contains { $0.contains("none of the plan's manifests governs") })
        var elsewhere = Self.plan()
        elsewhere.changes[0].facility = "spin"
        #expect(Self.policy(elsewhere).contains { $0.contains("is for facility spin") })
        var twice = Self.plan()
        twice.changes.append(twice.changes[0])
        #expect(Self.policy(twice).contains { $0.contains("appears more than once") })
    }

    /// A `--max-removals` given to apply raises the limit; the plan cannot carry one of its own.
    @Test func onlyApplysOwnMaxRemovalsRaisesTheLimit() {
        let many = Self.adding(.removeGroupMembers(group: "m1", usernames: ["bob", "carol", "x1", "x2"]))
        #expect(Self.policy(many).contains { $0.contains("max_removals 3") })
        #expect(!Self.policy(many, maxRemovals: 10).contains { $0.contains("max_removals") })
    }

    /// A member whose membership ends between the plan's day and the apply's gains nothing from the old plan.
    @Test func additionsAreJudgedOnTheDayOfTheApply() {
        let until = Fixture.manifest(
            members: Fixture.members(["pi1", "alice", "bob"], until: ["bob": Fixture.day(2)]),
            groups: ["g1": GroupSpec(members: .list(["alice", "bob"]))])
        let made = Self.plan(["g1": ["alice"]], manifest: until)
        #expect(made.changes.map(Fixture.describe) == ["add g1 bob"])
        func problems(on day: CalendarDay) -> [String] {
            SavedPlanRules.policyProblems(
                made, manifests: [until], maxRemovals: nil, today: day, capabilities: .sfapiV1_2,
                naming: SFAPINaming(), provider: "sfapi")
        }
        #expect(problems(on: Fixture.day(1)).isEmpty)
        #expect(problems(on: Fixture.day(3)).contains { $0.contains("ended") })
    }

    /// The re-plan names each change that differs, and never says what it should be.
    @Test func theReplanNamesWhatDiffersAndNotWhatWouldPass() {
        let again = Self.plan()
        var saved = again
        saved.changes[1] = PlannedChange(
            id: saved.changes[1].id, facility: "nersc", project: "m1",
            action: .removeGroupMembers(group: "g1", usernames: ["bob", "mallory"]))
        saved.changes.removeLast()
        let problems = SavedPlanRules.replanProblems(saved: saved, again: again, sameSnapshot: true)
        #expect(problems.contains { $0.contains("change \(again.changes[1].id) is not what the manifests ask for") })
        #expect(
            problems.contains { $0.contains("ask for change \(again.changes[2].id), which the plan does not have") })
        #expect(!problems.joined().contains("mallory"), "\(problems)")

        var reordered = again
        reordered.changes.swapAt(0, 1)
        #expect(
            SavedPlanRules.replanProblems(saved: reordered, again: again, sameSnapshot: true) == [
                "the plan's changes are not in the order teamctl makes them"
            ])

        var basis = again
        basis.basis.targets["group g1"]?.values.insert("bob")
        #expect(
            SavedPlanRules.replanProblems(saved: basis, again: again, sameSnapshot: true).contains {
                $0.contains("does not match snapshot 7 for: group g1")
            })
        var snapshot = again
        snapshot.basis.snapshotID = 8
        #expect(!SavedPlanRules.replanProblems(saved: snapshot, again: again, sameSnapshot: true).isEmpty)
        #expect(SavedPlanRules.replanProblems(saved: snapshot, again: again, sameSnapshot: false).isEmpty)
    }

    @Test func policyComparesNamesFolded() {
        #expect(SavedPlanRules.folded("BChen") == "bchen")
        #expect(SavedPlanRules.folded(" bchen\n") == "bchen")
        #expect(SavedPlanRules.folded("b\u{200B}chen") == "bchen")
        #expect(SavedPlanRules.folded("ｂｃｈｅｎ") == "bchen")
        #expect(SavedPlanRules.folded("bchan") != "bchen")
    }

    // MARK: The files

    @Test func recordedFilesMustBeUnchanged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-source-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/team.yaml"
        try "project: m1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let source = try #require(PlanSource.of(manifests: [path], today: Fixture.today))
        #expect(source.files.map(\.kind) == [.manifest])
        #expect(try PlanSourceCheck.recordedEntries(of: source) == [path])

        try PlanSourceCheck.checkUnchanged(source.files[0])
        try PlanSourceCheck.check(given: [path], against: source)
        try "project: m2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PlanSourceCheck.Problem.changed(path)) { try PlanSourceCheck.checkUnchanged(source.files[0]) }
        #expect(throws: PlanSourceCheck.Problem.self) { try PlanSourceCheck.check(given: [path], against: source) }
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: PlanSourceCheck.Problem.self) { try PlanSourceCheck.checkUnchanged(source.files[0]) }
    }

    /// `-f` may name the same files elsewhere (by content), but not more, fewer or others.
    @Test func manifestsNamedWithFMustBeTheSameFilesByContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-source-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in [("a.yaml", "a\n"), ("b.yaml", "b\n"), ("copy.yaml", "a\n"), ("c.yaml", "c\n")] {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        let source = try #require(
            PlanSource.of(manifests: [folder + "/a.yaml", folder + "/b.yaml"], today: Fixture.today))
        try PlanSourceCheck.check(given: [folder + "/copy.yaml", folder + "/b.yaml"], against: source)
        for given in [["a.yaml"], ["a.yaml", "b.yaml", "c.yaml"], ["a.yaml", "c.yaml"], ["a.yaml", "copy.yaml"]] {
            #expect(throws: PlanSourceCheck.Problem.self, "\(given)") {
                try PlanSourceCheck.check(given: given.map { folder + "/" + $0 }, against: source)
            }
        }
    }

    @Test func namesInMessagesAreEscaped() {
        #expect(NameText.quoted("rsato\nbchen") == #""rsato\nbchen""#)
        #expect(NameText.quoted("bchen ") == #""bchen ""#)
        #expect(NameText.quoted("\u{1B}[2J") == #""\u{1B}[2J""#)
        #expect(NameText.quoted("b\u{0441}hen") == #""b\u{441}hen""#)
        #expect(NameText.plain("nersc/m1/g1/add") == "nersc/m1/g1/add")
        #expect(NameText.plain("x\ny") == #""x\ny""#)
    }
}
