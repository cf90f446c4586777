import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// For every aspect and every (observable, writable) pair, what the planner emits for one difference in that aspect:
/// a change, a manual item a refresh verifies, or one a person acknowledges, decided from the capabilities alone.
struct CapabilityTableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var aspect: ProviderCapabilities.Aspect
        var observable: Bool
        var writable: Bool
        var testDescription: String { "\(aspect.rawValue) observable=\(observable) writable=\(writable)" }
    }

    static let cases: [Case] = ProviderCapabilities.Aspect.allCases.flatMap { aspect in
        [(true, true), (true, false), (false, true), (false, false)].map {
            Case(aspect: aspect, observable: $0.0, writable: $0.1)
        }
    }

    /// A manifest and an observed state that differ in exactly one aspect; every other aspect is observable and
    /// in sync, so anything emitted comes from the aspect under test.
    static func scenario(differingIn aspect: ProviderCapabilities.Aspect) -> (TeamManifest, ObservedState) {
        var members: [String: MemberSpec] = ["pi1": MemberSpec(role: .pi), "alice": MemberSpec()]
        let observedMembers: [String: Role?] = ["pi1": .pi, "alice": .member]
        var groups: [String: GroupSpec] = ["g1": GroupSpec(members: .list(["alice"]))]
        let observedGroups: [String: [String]] = ["g1": ["alice"]]
        var permissions: [String: [String]] = ["premium": ["alice"]]
        let observedPermissions: [String: Set<String>] = ["premium": ["alice"]]
        var limits: [String: [LimitResource: LimitValue]] = ["alice": [.cpuHours: .hours(100)]]
        switch aspect {
        case .roster:
            members["bob"] = MemberSpec()
        case .roles:
            members["alice"] = MemberSpec(role: .piProxy)
        case .groups:
            groups["g1"] = GroupSpec(members: .list(["alice", "pi1"]))
        case .permissions:
            permissions["premium"] = ["alice", "pi1"]
        case .limits:
            limits["alice"] = [.cpuHours: .hours(50)]
        }
        members["alice"]?.limits = [.cpuHours: .hours(100)]
        let manifest = TeamManifest(
            project: "p1", members: members, groups: groups, permissions: permissions)
        let observed = ObservedState(
            facility: "site", caller: "pi1", snapshotID: 1, fetchedAt: 0, groups: observedGroups,
            projects: [
                "p1": ObservedProject(
                    members: observedMembers, permissions: observedPermissions, limits: limits, callerCanManage: true,
                    callerRole: .pi)
            ], knownUsers: ["pi1", "alice", "bob"])
        return (manifest, observed)
    }

    @Test(arguments: cases)
    func theCapabilitiesAloneDecide(_ scenario: Case) throws {
        let all = Set(ProviderCapabilities.Aspect.allCases)
        let capabilities = ProviderCapabilities(
            observable: scenario.observable ? all : all.subtracting([scenario.aspect]),
            writable: scenario.writable ? all : all.subtracting([scenario.aspect]))
        let (manifest, observed) = Self.scenario(differingIn: scenario.aspect)
        let plan = Planner.plan(
            manifests: [manifest], observed: observed, provider: "fake", capabilities: capabilities,
            wording: GenericManualWording(), options: PlanOptions(today: Fixture.today))
        #expect(plan.refusals.isEmpty)
        let expected = capabilities.treatment(of: scenario.aspect)
        #expect(expected == (scenario.observable ? (scenario.writable ? .change : .verifiableItem) : .acknowledgedItem))
        switch expected {
        case .change:
            #expect(!plan.changes.isEmpty, "\(scenario.testDescription): a change")
            #expect(plan.manualItems.isEmpty, "\(plan.manualItems.map(\.id))")
            #expect(plan.changes.allSatisfy { Self.aspect(of: $0) == scenario.aspect })
        case .verifiableItem:
            #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
            #expect(!plan.manualItems.isEmpty)
            #expect(plan.manualItems.allSatisfy { $0.verifiable && $0.aspect == scenario.aspect })
        case .acknowledgedItem:
            #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
            #expect(!plan.manualItems.isEmpty)
            #expect(plan.manualItems.allSatisfy { !$0.verifiable && $0.aspect == scenario.aspect })
            // Acknowledging every item silences them: the next plan has nothing for this aspect.
            let silenced = Planner.plan(
                manifests: [manifest], observed: observed, provider: "fake", capabilities: capabilities,
                wording: GenericManualWording(),
                options: PlanOptions(today: Fixture.today, acknowledged: Set(plan.manualItems.map(\.id))))
            #expect(silenced.manualItems.isEmpty)
        }
        #expect(plan.changes.allSatisfy { $0.id.hasPrefix("site/p1/") && $0.facility == "site" })
        #expect(plan.manualItems.allSatisfy { $0.id.hasPrefix("site/p1/") && $0.facility == "site" })
    }

    static func aspect(of change: PlannedChange) -> ProviderCapabilities.Aspect {
        switch change.target {
        case .group: return .groups
        case .roster: return .roster
        case .roles: return .roles
        case .permission: return .permissions
        case .limits: return .limits
        }
    }

    /// The case: with every aspect writable, the example team plans roster, role and permission changes
    /// and not one manual item.
    @Test func theExampleTeamNeedsNoManualItemWhenEverythingIsWritable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let loaded = try ManifestLoader.load(
            paths: [root.appendingPathComponent("examples/team.yaml").path], today: Fixture.today)
        let manifests = loaded.map(\.manifest)
        let everything = Set(ProviderCapabilities.Aspect.allCases)
        let observed = ObservedState(
            facility: "site", caller: "nobody", fetchedAt: 0,
            projects: Dictionary(uniqueKeysWithValues: manifests.map { ($0.project, ObservedProject()) }))
        let plan = Planner.plan(
            manifests: manifests, observed: observed, provider: "fake",
            capabilities: ProviderCapabilities(observable: everything, writable: everything),
            wording: GenericManualWording(), options: PlanOptions(today: Fixture.today))
        #expect(plan.manualItems.isEmpty, "\(plan.manualItems.map(\.id))")
        let kinds = Set(plan.changes.map(\.kind))
        #expect(kinds.isSuperset(of: [.addToProject, .setRole, .grantPermission, .createGroup, .addMembers]))
        // Joins come first, then groups and permissions; nothing leaves in this plan.
        let phases = plan.changes.map(\.phase)
        #expect(phases == phases.sorted())
    }
}
