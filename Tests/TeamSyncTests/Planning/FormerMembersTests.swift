import AccountModels
import Testing

@testable import TeamSync

/// SFAPI cannot list a project's members: once teamctl has removed someone from every group they vanish
/// from the observed roster. The snapshot history keeps their "remove from project" item listed until a
/// person acknowledges it.
struct FormerMembersTests {
    let today = CalendarDay(year: 2026, month: 11, day: 25)!

    var manifest: TeamManifest {
        TeamManifest(
            project: "m1", members: ["pi": MemberSpec(role: .pi), "bob": MemberSpec()],
            groups: ["m1": GroupSpec(members: .all)], policy: Policy(protected: ["keeper"]))
    }

    /// After the apply: the default group holds exactly the roster; `gone` left it, `keeper` too.
    var snapshot: FacilitySnapshot {
        FacilitySnapshot(
            fetchedAt: 0, facility: "nersc", caller: "pi",
            projects: [ProjectStats(id: 1, description: "", repo_name: "m1", iris_role: "PI")],
            roles: [RoleStats(id: 1, description: "", repo_name: "m1", iris_role: "PI")],
            groups: [
                "m1": GroupStats(
                    gid: 1, name: "m1", users: [UserStats(uid: 1, name: "pi"), UserStats(uid: 2, name: "bob")])
            ])
    }

    func plan(former: Set<String>, acknowledged: Set<String> = []) -> Plan {
        Planner.plan(
            manifests: [manifest], observed: snapshot, capabilities: .sfapiV1_2,
            options: PlanOptions(today: today, acknowledged: acknowledged), formerMembers: ["m1": former])
    }

    @Test func someoneSeenEarlierButGoneFromEveryGroupStaysAManualRemoval() throws {
        let plan = plan(former: ["pi", "bob", "gone"])
        #expect(plan.changes.isEmpty)
        let item = try #require(plan.manualItems.first { $0.subject == "gone" })
        #expect(item.id == "nersc/m1/roster/gone/remove")
        #expect(item.verifiable == false)
        #expect(item.action == "remove from project m1")
        #expect(plan.manualItems.filter { $0.aspect == .roster }.count == 1)
    }

    @Test func acknowledgingTheItemSilencesIt() {
        let plan = plan(former: ["gone"], acknowledged: ["nersc/m1/roster/gone/remove"])
        #expect(!plan.manualItems.contains { $0.subject == "gone" })
    }

    @Test func protectedFormerMembersAreNotListed() {
        let plan = plan(former: ["keeper"])
        #expect(!plan.manualItems.contains { $0.subject == "keeper" })
    }

    @Test func currentMembersAreNotFormerMembers() {
        let plan = plan(former: ["bob"])
        #expect(plan.manualItems.filter { $0.aspect == .roster }.isEmpty)
    }
}
