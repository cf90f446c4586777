import AccountModels
import Testing

@testable import TeamSync

/// One planner scenario: inputs and what the plan must contain.
struct PlannerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var manifests: [TeamManifest]
    var snapshot: FacilitySnapshot
    var capabilities: ProviderCapabilities = .sfapiV1_2
    var options: PlanOptions = Fixture.options()
    /// Changes in plan order, as `Fixture.describe` writes them.
    var changes: [String]
    /// Manual item ids (any order); nil when the case does not check them.
    var manual: [String]? = []
    /// Warnings as `kind subject` (any order); nil when the case does not check them.
    var warnings: [String]? = []
    var refused = false

    var testDescription: String { name }
}

private let pi = ["pi1": Role.pi]
private let baseMembers = Fixture.members(["pi1", "alice", "bob"], roles: pi)
private let allGroup = ["m1": GroupSpec(members: .all)]
private let inSyncGroups = ["m1": ["alice", "bob", "pi1"]]
private let day = Fixture.day

private func base(
    members: [String: MemberSpec] = baseMembers, groups: [String: GroupSpec] = allGroup,
    permissions: [String: [String]] = [:], protected: [String] = [], maxRemovals: Int? = nil,
    facility: String? = nil
) -> [TeamManifest] {
    [
        Fixture.manifest(
            members: members, groups: groups, permissions: permissions, protected: protected, maxRemovals: maxRemovals,
            facility: facility)
    ]
}

private let manyGroupNames = (0..<40).map { "g" + ($0 < 10 ? "0\($0)" : "\($0)") }
private let largeRoster = (0..<3000).map { "u" + String(repeating: "0", count: 4 - String($0).count) + String($0) }

let plannerCases: [PlannerCase] = [
    PlannerCase(
        name: "empty manifest, empty facility", manifests: [Fixture.manifest()],
        snapshot: Fixture.snapshot(callerRoles: [:]), changes: []),
    PlannerCase(name: "in sync", manifests: base(), snapshot: Fixture.snapshot(groups: inSyncGroups), changes: []),
    PlannerCase(
        name: "one member to add", manifests: base(), snapshot: Fixture.snapshot(groups: ["m1": ["alice", "pi1"]]),
        changes: ["add m1 bob"], manual: ["m1/roster/bob/add"], warnings: ["unknownUser bob"]),
    PlannerCase(
        name: "adds are batched into one request", manifests: base(),
        snapshot: Fixture.snapshot(groups: ["m1": ["pi1"]]), changes: ["add m1 alice,bob"],
        manual: ["m1/roster/alice/add", "m1/roster/bob/add"], warnings: ["unknownUser alice", "unknownUser bob"]),
    PlannerCase(
        name: "member missing from manifest is removed", manifests: base(),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "mallory", "pi1"]]), changes: ["remove m1 mallory"],
        manual: ["m1/roster/mallory/remove"]),
    PlannerCase(
        name: "add and remove in one group, add first", manifests: base(),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "mallory", "pi1"], "other": ["bob"]]),
        changes: ["add m1 bob", "remove m1 mallory"], manual: ["m1/roster/bob/add", "m1/roster/mallory/remove"]),
    PlannerCase(
        name: "new group absent from snapshot",
        manifests: base(groups: allGroup.merging(["g1": GroupSpec(members: .list(["alice"]))]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: ["create g1", "add g1 alice"]),
    PlannerCase(
        name: "new group the facility answered 404 for",
        manifests: base(groups: allGroup.merging(["g1": GroupSpec(members: .list(["alice", "bob"]))]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: inSyncGroups, missing: ["g1"]), changes: ["create g1", "add g1 alice,bob"]),
    PlannerCase(
        name: "new empty group is only created",
        manifests: base(groups: allGroup.merging(["g1": GroupSpec(members: .list([]))]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: ["create g1"]),
    PlannerCase(
        name: "additive group never loses members",
        manifests: base(
            groups: allGroup.merging(["rel": GroupSpec(members: .list(["alice"]), mode: .additive)]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: inSyncGroups.merging(["rel": ["alice", "mallory"]]) { a, _ in a }),
        changes: [], manual: ["m1/roster/mallory/remove"]),
    PlannerCase(
        name: "additive group still gains members",
        manifests: base(
            groups: allGroup.merging(["rel": GroupSpec(members: .list(["alice", "bob"]), mode: .additive)]) { a, _ in a
            }),
        snapshot: Fixture.snapshot(groups: inSyncGroups.merging(["rel": ["alice"]]) { a, _ in a }),
        changes: ["add rel bob"]),
    PlannerCase(
        name: "additive group keeps an expired member with a warning",
        manifests: base(
            members: Fixture.members(["pi1", "alice", "bob", "carol"], roles: pi, until: ["carol": day(-1)]),
            groups: allGroup.merging(["rel": GroupSpec(members: .list(["alice", "carol"]), mode: .additive)]) { a, _ in
                a
            }),
        snapshot: Fixture.snapshot(groups: inSyncGroups.merging(["rel": ["alice", "carol"]]) { a, _ in a }),
        changes: [], manual: ["m1/roster/carol/remove"], warnings: ["additiveKept carol"]),
    PlannerCase(
        name: "protected user is never removed", manifests: base(protected: ["mallory"]),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "mallory", "pi1"]]), changes: [],
        warnings: ["protectedKept mallory", "protectedKept mallory"]),
    PlannerCase(
        name: "protected user past until is kept",
        manifests: base(
            members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["alice": day(-1)]),
            protected: ["alice"]),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [],
        warnings: ["protectedKept alice", "protectedKept alice"]),
    PlannerCase(
        name: "member past until is removed",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["bob": day(-1)])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: ["remove m1 bob"],
        manual: ["m1/roster/bob/remove"]),
    PlannerCase(
        name: "member whose until is today stays, with a warning",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["bob": day(0)])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], warnings: ["nearExpiry bob"]),
    PlannerCase(
        name: "until in 14 days warns",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["bob": day(14)])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], warnings: ["nearExpiry bob"]),
    PlannerCase(
        name: "until in 15 days does not warn",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["bob": day(15)])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: []),
    PlannerCase(
        name: "removals at max_removals are allowed", manifests: base(maxRemovals: 2),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "pi1", "x1", "x2"]]), changes: ["remove m1 x1,x2"],
        manual: ["m1/roster/x1/remove", "m1/roster/x2/remove"]),
    PlannerCase(
        name: "removals over max_removals are refused but listed", manifests: base(maxRemovals: 1),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "pi1", "x1", "x2"]]), changes: ["remove m1 x1,x2"],
        manual: nil, refused: true),
    PlannerCase(
        name: "--max-removals raises the manifest's limit", manifests: base(maxRemovals: 1),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "pi1", "x1", "x2"]]),
        options: Fixture.options(maxRemovals: 5), changes: ["remove m1 x1,x2"], manual: nil),
    PlannerCase(
        name: "--max-removals 0 refuses any removal", manifests: base(),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "bob", "pi1", "x1"]]),
        options: Fixture.options(maxRemovals: 0), changes: ["remove m1 x1"], manual: nil, refused: true),
    PlannerCase(
        name: "user never seen at the facility is warned about",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob", "dave"], roles: pi)),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: ["add m1 dave"], manual: ["m1/roster/dave/add"],
        warnings: ["unknownUser dave"]),
    PlannerCase(
        name: "the caller is never removed from a group",
        manifests: base(groups: allGroup.merging(["g1": GroupSpec(members: .list(["alice"]))]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: inSyncGroups.merging(["g1": ["alice", "pi1"]]) { a, _ in a }),
        changes: [], warnings: ["callerKept pi1"]),
    PlannerCase(
        name: "the caller missing from the manifest is kept everywhere",
        manifests: base(members: Fixture.members(["alice", "bob"])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], warnings: ["callerKept pi1", "callerKept pi1"]),
    PlannerCase(
        name: "the caller's observed role differs",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: ["pi1": .piProxy])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], manual: ["m1/roles/pi1/pi_proxy"]),
    PlannerCase(
        name: "another member's role is an unverifiable manual item",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: ["pi1": .pi, "alice": .piProxy])),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], manual: ["m1/roles/alice/pi_proxy"]),
    PlannerCase(
        name: "an acknowledged role item is omitted",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"], roles: ["pi1": .pi, "alice": .piProxy])),
        snapshot: Fixture.snapshot(groups: inSyncGroups),
        options: Fixture.options(acknowledged: ["nersc/m1/roles/alice/pi_proxy"]), changes: [], manual: []),
    PlannerCase(
        name: "permissions become manual grants", manifests: base(permissions: ["premium_qos": ["bob", "alice"]]),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [],
        manual: ["m1/permissions/premium_qos/alice", "m1/permissions/premium_qos/bob"]),
    PlannerCase(
        name: "acknowledged permission grants are omitted",
        manifests: base(permissions: ["premium_qos": ["alice", "bob"]]),
        snapshot: Fixture.snapshot(groups: inSyncGroups),
        options: Fixture.options(acknowledged: ["nersc/m1/permissions/premium_qos/alice", "nersc/m1/roster/bob/add"]),
        changes: [], manual: ["m1/permissions/premium_qos/bob"]),
    PlannerCase(
        name: "expired permission holders get no grant",
        manifests: base(
            members: Fixture.members(["pi1", "alice", "bob"], roles: pi, until: ["bob": day(-1)]),
            permissions: ["premium_qos": ["bob"]]),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: ["remove m1 bob"], manual: ["m1/roster/bob/remove"]),
    PlannerCase(
        name: "groups not writable become manual items",
        manifests: base(groups: allGroup.merging(["g1": GroupSpec(members: .list(["alice"]))]) { a, _ in a }),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "mallory", "pi1"]]),
        capabilities: ProviderCapabilities(observable: [.groups, .roster, .roles], writable: []), changes: [],
        manual: [
            "m1/groups/g1/create", "m1/groups/g1/alice/add", "m1/groups/m1/bob/add", "m1/groups/m1/mallory/remove",
            "m1/roster/bob/add", "m1/roster/mallory/remove",
        ],
        warnings: ["unknownUser bob"]),
    PlannerCase(
        name: "a writable roster gets changes, ordered around the groups", manifests: base(),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "mallory", "pi1"]]),
        capabilities: ProviderCapabilities(observable: [.groups, .roster, .roles], writable: [.groups, .roster]),
        changes: ["join m1 bob", "add m1 bob", "remove m1 mallory", "leave m1 mallory"], manual: [],
        warnings: ["unknownUser bob"]),
    PlannerCase(
        name: "a caller who is only a Member is warned that group writes will fail",
        manifests: base(members: Fixture.members(["pi1", "alice", "bob"])),
        snapshot: Fixture.snapshot(groups: ["m1": ["alice", "pi1"]], callerRoles: ["m1": "Member"]),
        changes: ["add m1 bob"], manual: ["m1/roster/bob/add"], warnings: ["callerCannotManage pi1", "unknownUser bob"]),
    PlannerCase(
        name: "many groups are planned in name order",
        manifests: base(
            groups: allGroup.merging(manyGroupNames.reversed().map { ($0, GroupSpec(members: .list(["alice"]))) }) {
                a, _ in a
            }),
        snapshot: Fixture.snapshot(
            groups: inSyncGroups.merging(manyGroupNames.map { ($0, [String]()) }) { a, _ in a }),
        changes: manyGroupNames.map { "add \($0) alice" }),
    PlannerCase(
        name: "a large group gets one batched add",
        manifests: base(members: Fixture.members(["pi1"] + largeRoster, roles: pi)),
        snapshot: Fixture.snapshot(groups: ["m1": ["pi1"] + largeRoster.prefix(1500), "seen": Array(largeRoster)]),
        changes: ["add m1 " + largeRoster.dropFirst(1500).joined(separator: ",")], manual: nil),
    PlannerCase(
        name: "several manifests give one plan in project order",
        manifests: [
            Fixture.manifest(
                project: "m2", members: Fixture.members(["pi1", "carol"], roles: pi),
                groups: ["m2": GroupSpec(members: .all)]),
            Fixture.manifest(members: baseMembers, groups: allGroup),
        ],
        snapshot: Fixture.snapshot(
            groups: ["m1": ["alice", "pi1"], "m2": ["pi1"], "seen": ["bob", "carol"]],
            callerRoles: ["m1": "PI", "m2": "PI"]),
        changes: ["add m1 bob", "add m2 carol"], manual: ["m1/roster/bob/add", "m2/roster/carol/add"]),
    PlannerCase(
        name: "a group declared by two manifests is refused",
        manifests: [
            Fixture.manifest(
                members: baseMembers, groups: allGroup.merging(["shared": GroupSpec(members: .all)]) { a, _ in a }),
            Fixture.manifest(
                project: "m2", members: Fixture.members(["pi1"], roles: pi),
                groups: ["shared": GroupSpec(members: .all)]),
        ],
        snapshot: Fixture.snapshot(groups: inSyncGroups, callerRoles: ["m1": "PI", "m2": "PI"]),
        changes: ["create shared", "add shared alice,bob,pi1", "create shared", "add shared pi1"], manual: nil,
        warnings: nil, refused: true),
    PlannerCase(
        name: "a manifest for another facility is refused", manifests: base(facility: "olcf"),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], refused: true),
    PlannerCase(
        name: "two manifests for one project are refused", manifests: base() + base(),
        snapshot: Fixture.snapshot(groups: inSyncGroups), changes: [], refused: true),
]

struct PlannerTableTests {
    @Test(arguments: plannerCases)
    func plansAsExpected(_ scenario: PlannerCase) throws {
        let plan = Planner.plan(
            manifests: scenario.manifests, observed: scenario.snapshot, capabilities: scenario.capabilities,
            options: scenario.options)
        #expect(plan.changes.map(Fixture.describe) == scenario.changes)
        if let manual = scenario.manual {
            #expect(plan.manualItems.map(\.id).sorted() == manual.map { "nersc/" + $0 }.sorted())
        }
        if let warnings = scenario.warnings {
            #expect(plan.warnings.map(Fixture.describe).sorted() == warnings.sorted())
        }
        #expect(!plan.refusals.isEmpty == scenario.refused, "refusals: \(plan.refusals)")
        #expect(plan.manualItems.map(\.id) == plan.manualItems.map(\.id).sorted())
        #expect(Set(plan.changes.map(\.id)).count == plan.changes.count, "change ids are unique")
    }

    @Test func tableCoversAtLeastThirtyScenarios() {
        #expect(plannerCases.count >= 30)
    }
}
