import AccountModels
import Foundation
import TeamSync

/// Times the planner on a generated facility: 5,000 users in 400 groups with drift in every group.
/// A measurement, not a test: it prints timings and asserts nothing.
enum PlannerBenchmark {
    static func run(users userCount: Int = 5_000, groups groupCount: Int = 400, repetitions: Int = 5) -> String {
        let today = CalendarDay(year: 2026, month: 11, day: 25) ?? CalendarDay(daysSinceEpoch: 20_000)
        let users = (0..<userCount).map { "u\($0)" }
        var members: [String: MemberSpec] = [:]
        for (index, user) in users.enumerated() {
            members[user] = MemberSpec(
                role: index == 0 ? .pi : .member, until: index % 97 == 0 ? today.adding(days: index % 30 - 15) : nil)
        }
        var specs: [String: GroupSpec] = ["m9000": GroupSpec(members: .all)]
        var observed: [String: GroupStats] = [:]
        for g in 0..<groupCount {
            let name = "grp\(g)"
            // Each group wants 40 users; the facility has 36 of them plus 3 strangers.
            let wanted = (0..<40).map { users[(g * 37 + $0 * 13) % userCount] }
            specs[name] = GroupSpec(members: .list(wanted), mode: g % 10 == 0 ? .additive : .authoritative)
            let present = Array(wanted.prefix(36)) + ["stranger\(g)a", "stranger\(g)b", "stranger\(g)c"]
            observed[name] = GroupStats(
                gid: 70_000 + g, name: name,
                users: present.enumerated().map { UserStats(uid: $0.offset, name: $0.element) })
        }
        observed["m9000"] = GroupStats(
            gid: 69_999, name: "m9000", users: users.prefix(userCount - 50).map { UserStats(uid: 1, name: $0) })
        let manifest = TeamManifest(
            project: "m9000", members: members, groups: specs, permissions: ["premium_qos": Array(users.prefix(20))],
            policy: Policy(protected: ["u0"], max_removals: nil))
        let snapshot = FacilitySnapshot(
            id: 1, fetchedAt: 1_795_600_800, facility: "bench", caller: "u0",
            roles: [RoleStats(id: 1, description: "bench", repo_name: "m9000", iris_role: "PI")], groups: observed)

        var timings: [Double] = []
        var plan: Plan?
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            plan = Planner.plan(
                manifests: [manifest], observed: snapshot, options: PlanOptions(today: today))
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let sorted = timings.sorted()
        let summary = plan.map { PlanRenderer.summaryLine($0) } ?? "no plan"
        return
            "planner: \(userCount) users, \(groupCount) groups: "
            + "median \(String(format: "%.1f", sorted[sorted.count / 2])) ms, "
            + "min \(String(format: "%.1f", sorted[0])) ms over \(sorted.count) runs (\(summary))"
    }
}
