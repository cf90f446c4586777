import AccountModels
import FacilityEmulator
import Foundation
import Logging
import Testing

@testable import TeamSync

/// A facility (or a file) that hands teamctl a name its back end would read as something else: a member
/// `rsato,bchen` that a removal joins into SFAPI's comma-separated `usernames=`, so the facility takes protected
/// `bchen` out too. Every such name is refused before it enters a write; nothing naming it is sent.
struct HostileNamesTests {
    /// The example facility, with one more user in lumana whose name is `hostile` (the facility lists them as a member;
    /// the manifest does not, so a plan would remove them).
    static func harness(withMember hostile: String) async throws -> TeamctlHarness {
        var seed = try EmulatorSeed.load(path: TeamctlHarness.repoPath("examples/facility.yaml"))
        seed.users.append(SFAPIWire.UserInfo(uid: 79_999, name: hostile))
        let lumana = try #require(seed.groups.firstIndex { $0.name == "lumana" })
        seed.groups[lumana].members.append(hostile)
        let harness = try await TeamctlHarness.start(seed: seed, token: "demo-pi", faults: .none)
        try harness.copyExampleManifest()
        return harness
    }

    /// The comma of the attack as found, and names the facility would read as another user (a space it trims, case
    /// it may fold) or that could end a form field, a URL or a line.
    @Test(arguments: [
        "rsato,bchen", "bchen ", " bchen", "BCHEN", "rsato\nbchen", "rsato&usernames=bchen", "rsato%2Cbchen",
        "rsato;bchen", "rsato\tbchen",
    ])
    func aFacilityMemberThatIsNotAUsernameIsNeverSent(hostile: String) async throws {
        let harness = try await Self.harness(withMember: hostile)
        defer { Task { await harness.shutdown() } }

        let plan = try await harness.run(["plan", "-f", "team.yaml", "--today", PlanApplyTests.today])
        #expect(plan.status == 1, "the plan is refused: \(plan.output)")
        #expect(plan.stderr.contains("lumana"), "the refusal names the group: \(plan.output)")
        #expect(plan.stderr.contains("not a valid"), "and the rule: \(plan.output)")
        let hasControl = hostile.unicodeScalars.contains { $0.properties.generalCategory == .control }
        #expect(!(hasControl && plan.output.contains(hostile)), "never echoed raw: \(plan.output)")

        let apply = try await harness.run(["apply", "-f", "team.yaml", "--today", PlanApplyTests.today, "--yes"])
        #expect(apply.status == 1, "\(apply.output)")
        #expect(await harness.mutatingRequests().isEmpty, "nothing is sent")
        #expect(await harness.members(of: "lumana")?.contains("bchen") == true, "protected bchen stays")
        #expect(await harness.members(of: "lumana")?.contains("rsato") == true)
    }

    /// The group is the manifest's, so only a plan built by hand (or edited) can name one like this; the applier
    /// checks every name itself before the first write, whatever made the plan.
    @Test(arguments: ["..", "lum/../x", "lumcal/..", "lum cal", "lumcal?x=1", "lumcal#", "a,b", "toolongname"])
    func aGroupNameThatIsNotOneIsNeverSent(group: String) async throws {
        let seed = try EmulatorSeed.load(path: TeamctlHarness.repoPath("examples/facility.yaml"))
        let server = try await EmulatorServer.start(seed: seed)
        do {
            let provider = SFAPIProvider(
                client: SFAPIClient(
                    apiBaseURL: server.apiBaseURL, transport: URLSessionTransport(),
                    tokens: StaticTokenSource(token: "demo-pi")),
                facility: "nersc")
            let changes = [
                PlannedChange(
                    id: "nersc/m4812/x/create", facility: "nersc", project: "m4812", action: .createGroup(group: group)),
                PlannedChange(
                    id: "nersc/m4812/x/remove", facility: "nersc", project: "m4812",
                    action: .removeGroupMembers(group: group, usernames: ["rsato"])),
            ]
            for change in changes {
                let plan = Plan(
                    createdAt: nil, toolVersion: "test", projects: ["m4812"],
                    basis: PlanBasis(
                        snapshotID: 1, snapshotHash: nil, fetchedAt: 0, facility: "nersc", provider: "sfapi",
                        caller: "amorales", manualSystem: nil, targets: [:]),
                    changes: [change], manualItems: [], warnings: [], refusals: [])
                let quiet = Logger(label: "test.apply") { _ in SwiftLogNoOpLogHandler() }
                let applier = Applier(provider: provider, journal: InMemoryApplyJournal(), log: quiet)
                let report = await applier.apply(plan, options: ApplyOptions(verifyBasis: false))
                #expect(report.failed, "\(change.kind) of \(group.debugDescription): \(report.summaryText())")
                // Also straight to the provider, as a caller that skipped the applier would.
                await #expect(throws: (any Error).self) { _ = try await provider.perform(change) }
            }
            let writes = await server.requestLog().filter { $0.method != "GET" && !$0.path.hasSuffix("/token") }
            #expect(writes.isEmpty, "sent: \(writes.map { "\($0.method) \($0.path)" })")
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }
}
