import AccountModels
import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

struct PlanDeterminismTests {
    /// A realistic input: the example team of 30 with drift in several groups.
    static func exampleInputs(order seed: UInt64) -> ([TeamManifest], FacilitySnapshot) {
        var rng = SplitMix64(seed: seed)
        let names = (0..<30).map { "user\($0)" }.shuffled(using: &rng)
        var members: [String: MemberSpec] = [:]
        for (index, name) in names.shuffled(using: &rng).enumerated() {
            members[name] = MemberSpec(
                role: name == "user0" ? .pi : name == "user1" ? .piProxy : .member,
                until: name == "user7" ? Fixture.day(-3) : name == "user8" ? Fixture.day(5) : nil)
            _ = index
        }
        var groups: [String: GroupSpec] = [:]
        for group in ["calib", "sim", "ana", "rel", "m1", "newgrp"].shuffled(using: &rng) {
            switch group {
            case "m1": groups[group] = GroupSpec(members: .all)
            case "rel": groups[group] = GroupSpec(members: .list(["user0", "user3"]), mode: .additive)
            default: groups[group] = GroupSpec(members: .list(Array(names.shuffled(using: &rng).prefix(8))))
            }
        }
        let manifest = TeamManifest(
            project: "m1", members: members, groups: groups,
            permissions: ["premium_qos": ["user2", "user0"].shuffled(using: &rng)],
            policy: Policy(protected: ["user0"], max_removals: 50))
        let second = TeamManifest(
            project: "m2", members: ["user0": MemberSpec(role: .pi), "user9": MemberSpec()],
            groups: ["m2grp": GroupSpec(members: .all)])
        var observed: [String: [String]] = [:]
        observed["m1"] = Array(names.prefix(25)) + ["user0", "stranger"]
        observed["calib"] = Array(names.suffix(10))
        observed["sim"] = []
        observed["ana"] = ["user7", "user8"]
        observed["rel"] = ["user0", "handadded"]
        observed["m2grp"] = ["user0"]
        var snapshot = Fixture.snapshot(
            groups: observed, missing: ["newgrp"], callerRoles: ["m1": "PI", "m2": "PI"], caller: "user0")
        snapshot.id = 42
        return ([manifest, second].shuffled(using: &rng), snapshot)
    }

    static func plan(seed: UInt64, createdAt: Double? = 1_795_600_900) -> Plan {
        let (manifests, snapshot) = exampleInputs(order: 1)
        var reordered = manifests
        var rng = SplitMix64(seed: seed)
        reordered.shuffle(using: &rng)
        // Rebuild every dictionary from a shuffled list of its entries: hashing order must not leak.
        reordered = reordered.map { manifest in
            var copy = manifest
            copy.members = Dictionary(
                uniqueKeysWithValues: manifest.members.shuffled(using: &rng).map { ($0.key, $0.value) })
            copy.groups = Dictionary(
                uniqueKeysWithValues: manifest.groups.shuffled(using: &rng).map { ($0.key, $0.value) })
            return copy
        }
        var shuffledSnapshot = snapshot
        shuffledSnapshot.groups = Dictionary(
            uniqueKeysWithValues: snapshot.groups.shuffled(using: &rng).map { entry in
                var group = entry.value
                group.users = group.users?.shuffled(using: &rng)
                return (entry.key, group)
            })
        return Planner.plan(
            manifests: reordered, observed: shuffledSnapshot, capabilities: .sfapiV1_2,
            options: PlanOptions(today: Fixture.today, createdAt: createdAt, toolVersion: "0.1.0"))
    }

    @Test func sameInputsGiveByteIdenticalJSON() throws {
        let first = try Self.plan(seed: 1).jsonData()
        let second = try Self.plan(seed: 1).jsonData()
        #expect(first == second)
    }

    @Test(arguments: [2, 3, 4, 5, 99] as [UInt64])
    func shuffledInputOrderGivesIdenticalOutput(seed: UInt64) throws {
        let reference = Self.plan(seed: 1)
        let shuffled = Self.plan(seed: seed)
        #expect(try shuffled.jsonData() == reference.jsonData())
        #expect(PlanRenderer.text(shuffled, color: false) == PlanRenderer.text(reference, color: false))
        #expect(PlanRenderer.markdown(shuffled) == PlanRenderer.markdown(reference))
    }

    @Test func exampleHasSomethingOfEveryKind() {
        let plan = Self.plan(seed: 1)
        let kinds = Set(plan.changes.map(\.kind))
        #expect(kinds == [.createGroup, .addMembers, .removeMembers])
        #expect(Set(plan.manualItems.map(\.aspect)) == [.roster, .roles, .permissions])
        #expect(plan.warnings.contains { $0.kind == .nearExpiry && $0.subject == "user8" })
        #expect(plan.basis.targets["group newgrp"] == TargetState(exists: false))
        #expect(plan.changes.contains { $0.id == "nersc/m1/groups/rel/add" })
        #expect(!plan.changes.contains { $0.id == "nersc/m1/groups/rel/remove" }, "rel is additive: handadded stays")
        #expect(plan.basis.targets["group rel"] == TargetState(values: ["handadded", "user0"]))
    }

    @Test func planIDIgnoresCreationTimeButNotContent() {
        let early = Self.plan(seed: 1, createdAt: 1)
        let late = Self.plan(seed: 1, createdAt: 2_000_000_000)
        #expect(early.planID == late.planID)
        #expect(early.createdAt != late.createdAt)
        var other = early
        other.changes.removeLast()
        #expect(other.computedPlanID() != early.planID)
        #expect(early.planID.count == 16)
    }
}
