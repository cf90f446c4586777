import FacilityEmulator
import Foundation
import Testing

/// `teamctl plan` then `teamctl apply` against the emulator seeded with the example facility.
struct PlanApplyTests {
    static let today = "2026-11-25"

    @Test func applyConvergesSoASecondPlanHasNoChanges() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let first = try await harness.run(
            ["plan", "-f", "team.yaml", "--today", Self.today, "--format", "json", "--detailed-exitcode"])
        #expect(first.status == 2, "\(first.output)")
        let plan = try PlanJSON(first.stdout)
        #expect(plan.changes(kind: "createGroup").map(\.group) == ["lumsim"])
        #expect(await harness.mutatingRequests().isEmpty, "plan must only read")

        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", Self.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")
        #expect(apply.stdout.contains("\(plan.changes.count) confirmed"), "\(apply.output)")

        let second = try await harness.run(
            ["plan", "-f", "team.yaml", "--today", Self.today, "--format", "json", "--detailed-exitcode"])
        let again = try PlanJSON(second.stdout)
        #expect(again.changes.isEmpty, "\(second.output)")
        #expect(second.status == 3, "only manual items (roster, permissions) should remain: \(second.output)")
        #expect(await harness.members(of: "lumcal")?.contains("hkim") == true)
        #expect(await harness.members(of: "lumcal")?.contains("jlarsen") == false)
        #expect(await harness.members(of: "lumsim")?.count == 10)
        #expect(await harness.members(of: "lumana")?.contains("cyilmaz") == false)
        #expect(await harness.members(of: "lumrel")?.contains("rsato") == true, "lumrel is additive")
    }

    @Test func applySendsTheMinimumRequests() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let planned = try await harness.run(["plan", "-f", "team.yaml", "--today", Self.today, "--format", "json"])
        let plan = try PlanJSON(planned.stdout)
        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", Self.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")

        let writes = await harness.mutatingRequests()
        #expect(writes.count == plan.changes.count, "one request per planned change: \(writes)")
        let creates = writes.filter { $0.method == "POST" && $0.path.hasSuffix("/account/groups") }
        #expect(creates.count == plan.changes(kind: "createGroup").count)
        let changedGroups = Set(
            plan.changes(kind: "addMembers").map(\.group) + plan.changes(kind: "removeMembers").map(\.group))
        for group in changedGroups {
            let puts = writes.filter { $0.method == "PUT" && $0.path.hasSuffix("/account/groups/\(group)") }
            let adds = plan.changes(kind: "addMembers").filter { $0.group == group }.count
            let removes = plan.changes(kind: "removeMembers").filter { $0.group == group }.count
            #expect(adds <= 1 && removes <= 1, "the plan batches each group's adds and removes")
            #expect(
                puts.count == adds + removes, "\(group): \(puts.count) PUTs for \(adds) add(s), \(removes) remove(s)")
        }
        #expect(writes.allSatisfy { $0.status == 200 && $0.effect == true })
    }

    @Test func protectedUsersStayEvenWhenTheManifestDropsThem() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        var manifest = try String(contentsOfFile: harness.path("team.yaml"), encoding: .utf8)
        // Drop bchen (protected) from lumcal and lumana; they are in both at the facility.
        manifest = manifest.replacingOccurrences(
            of: "members: [amorales, bchen, dpatel", with: "members: [amorales, dpatel")
        manifest = manifest.replacingOccurrences(
            of: "members: [amorales, bchen, cokafor, qnguyen", with: "members: [amorales, cokafor, qnguyen")
        try harness.write("team.yaml", manifest)

        let planned = try await harness.run(["plan", "-f", "team.yaml", "--today", Self.today, "--format", "json"])
        let plan = try PlanJSON(planned.stdout)
        #expect(!plan.changes(kind: "removeMembers").contains { $0.usernames.contains("bchen") }, "\(planned.output)")
        let warnings = plan.object["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { $0["kind"] as? String == "protectedKept" && $0["subject"] as? String == "bchen" })

        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", Self.today, "--yes"])
        #expect(apply.status == 0, "\(apply.output)")
        #expect(await harness.members(of: "lumcal")?.contains("bchen") == true)
        #expect(await harness.members(of: "lumana")?.contains("bchen") == true)
    }

    @Test func moreRemovalsThanMaxRemovalsIsRefusedAndNothingIsSent() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let plan = try await harness.run(
            ["plan", "-f", "team.yaml", "--today", Self.today, "--max-removals", "1", "--detailed-exitcode"])
        #expect(plan.status == 1, "\(plan.output)")
        #expect(plan.stderr.contains("error:"))

        let apply = try await harness.run(
            ["apply", "-f", "team.yaml", "--today", Self.today, "--max-removals", "1", "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stderr.contains("removal"), "the refusal says why: \(apply.stderr)")
        #expect(await harness.mutatingRequests().isEmpty)
    }

    @Test func anInactiveAccountSystemStopsApplyUnlessIgnored() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        try await harness.control("systems", #"{"name": "iris", "status": "unavailable"}"#)

        let stopped = try await harness.run(["apply", "-f", "team.yaml", "--today", Self.today, "--yes"])
        #expect(stopped.status == 1, "\(stopped.output)")
        #expect(stopped.stdout.contains("iris") || stopped.stderr.contains("iris"), "\(stopped.output)")
        #expect(stopped.stdout.contains("--ignore-status"), "\(stopped.output)")
        #expect(await harness.mutatingRequests().isEmpty)

        let forced = try await harness.run(
            ["apply", "-f", "team.yaml", "--today", Self.today, "--yes", "--ignore-status"])
        #expect(forced.status == 0, "\(forced.output)")
        #expect(await harness.members(of: "lumsim") != nil)
    }
}
