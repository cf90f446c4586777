import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// Planning for a back end where the roster is writable (Slurm's shape): role aliases, restricted writes, members
/// who cannot be removed, and what joiners start with. Pure; the real Slurm flow is in Tests/SlurmTests.
struct WritableRosterPlanningTests {
    static let everything = Set(ProviderCapabilities.Aspect.allCases).subtracting([.groups])

    static func plan(
        _ manifest: TeamManifest, _ project: ObservedProject,
        restrictions: Set<ProviderCapabilities.Restriction> = [], maxRemovals: Int? = nil
    ) -> Plan {
        let observed = ObservedState(
            facility: "site", caller: "root", snapshotID: 1, fetchedAt: 0, projects: [manifest.project: project],
            knownUsers: Set(project.members.keys))
        return Planner.plan(
            manifests: [manifest], observed: observed, provider: "fake",
            capabilities: ProviderCapabilities(
                observable: everything, writable: everything, restrictions: restrictions,
                roleAliases: [.piProxy: .pi]),
            wording: GenericManualWording(),
            options: PlanOptions(today: Fixture.today, maxRemovalsOverride: maxRemovals))
    }

    @Test func aPIProxyIsStoredAsTheOneCoordinatorRoleSoAPIDoesNotFlipFlop() {
        let manifest = TeamManifest(
            project: "acct", members: ["pi1": MemberSpec(role: .pi), "dep": MemberSpec(role: .piProxy)])
        let inSync = Self.plan(manifest, ObservedProject(members: ["pi1": .pi, "dep": .pi]))
        #expect(inSync.changes.isEmpty && inSync.manualItems.isEmpty, "\(inSync.changes.map(\.id))")
        let promote = Self.plan(manifest, ObservedProject(members: ["pi1": .pi, "dep": .member]))
        #expect(promote.changes.map(\.action) == [.setRole(.pi, usernames: ["dep"])])
    }

    @Test func restrictedWritesAreVerifiableItemsAndTheRestAreChanges() {
        var manifest = TeamManifest(
            project: "acct", members: ["pi1": MemberSpec(role: .pi), "old": MemberSpec()],
            limits: [.cpuHours: .hours(700)])
        manifest.members["old"]?.limits = [.cpuHours: .hours(5)]
        let observed = ObservedProject(members: ["pi1": .pi, "old": .pi], limits: ["": [.cpuHours: .hours(100)]])
        let free = Self.plan(manifest, observed)
        #expect(free.manualItems.isEmpty)
        #expect(
            Set(free.changes.map(\.id)) == [
                "site/acct/roles/member", "site/acct/limits/-/cpu_hours", "site/acct/limits/old/cpu_hours",
            ])
        let restricted = Self.plan(manifest, observed, restrictions: [.projectLimits, .roleRemoval])
        #expect(restricted.changes.map(\.id) == ["site/acct/limits/old/cpu_hours"], "a member's limit is writable")
        #expect(
            Set(restricted.manualItems.map(\.id)) == ["site/acct/roles/old/member", "site/acct/limits/-/cpu_hours/700"])
        #expect(restricted.manualItems.allSatisfy { $0.verifiable }, "a refresh shows them done")
    }

    @Test func aMemberTheProviderCannotRemoveIsAManualItemAndOthersStillGo() {
        let manifest = TeamManifest(project: "acct", members: ["pi1": MemberSpec(role: .pi)])
        let observed = ObservedProject(
            members: ["pi1": .pi, "lone": .member, "gone": .member],
            removalBlocked: ["lone": "acct is their only account"])
        let plan = Self.plan(manifest, observed)
        #expect(plan.changes.map(\.action) == [.removeProjectMembers(usernames: ["gone"])])
        let item = plan.manualItems.first
        #expect(plan.manualItems.count == 1 && item?.subject == "lone" && item?.verifiable == true)
        #expect(item?.note?.contains("only account") == true, "\(String(describing: item?.note))")
    }

    @Test func joinersStartWithTheAccountsPermissionsAndLosingThemIsNoRemoval() {
        let manifest = TeamManifest(
            project: "acct",
            members: ["pi1": MemberSpec(role: .pi), "new1": MemberSpec(), "new2": MemberSpec()],
            permissions: ["premium": ["new1"], "debug": ["new2"]], policy: Policy(max_removals: 0))
        let observed = ObservedProject(
            members: ["pi1": .pi], permissions: ["premium": [], "debug": []], joinerPermissions: ["premium"])
        let plan = Self.plan(manifest, observed)
        #expect(plan.refusals.isEmpty, "taking premium from new2 takes nothing anyone had: \(plan.refusals)")
        #expect(
            Set(plan.changes.map(\.action)) == [
                .addProjectMembers(usernames: ["new1", "new2"]), .revokePermission("premium", usernames: ["new2"]),
                .grantPermission("debug", usernames: ["new2"]),
            ])
    }

    @Test func thosePlannedToLeaveAreNotAlsoRevokedOneByOne() {
        let manifest = TeamManifest(project: "acct", members: ["pi1": MemberSpec(role: .pi)], permissions: ["qos": []])
        let observed = ObservedProject(members: ["pi1": .pi, "gone": .member], permissions: ["qos": ["gone"]])
        let plan = Self.plan(manifest, observed)
        #expect(plan.changes.map(\.action) == [.removeProjectMembers(usernames: ["gone"])])
    }

    /// A saved plan resumed after a crash: the joiners are in (their join was sent), and the permission they
    /// inherited shows in its target. That is not the facility moving; a stranger appearing there is.
    @Test func joinersShowingInOtherTargetsAreNotDrift() {
        let join = PlannedChange(
            id: "site/acct/roster/add", facility: "site", project: "acct", action: .addProjectMembers(usernames: ["n1"])
        )
        let basis = PlanBasis(
            snapshotID: 1, snapshotHash: nil, fetchedAt: 0, facility: "site", provider: "fake", caller: "root",
            manualSystem: nil, targets: ["permission acct premium": TargetState(values: ["pi1"])])
        let target = ChangeTarget.permission(project: "acct", name: "premium")
        let revoke = PlannedChange(
            id: "site/acct/permissions/premium/revoke", facility: "site", project: "acct",
            action: .revokePermission("premium", usernames: ["n1"]))
        let quiet = Applier.drift(
            target: target, basis: basis, changes: [revoke], confirmed: [join.id], attempted: [join.id],
            current: TargetState(values: ["pi1", "n1"]), joined: ["n1"])
        #expect(quiet == nil)
        let moved = Applier.drift(
            target: target, basis: basis, changes: [revoke], confirmed: [join.id], attempted: [join.id],
            current: TargetState(values: ["pi1", "n1", "stranger"]), joined: ["n1"])
        #expect(moved?.contains("gained stranger") == true, "\(String(describing: moved))")
    }
}
