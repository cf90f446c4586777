import AccountModels
import Foundation
import Logging
import Testing

@testable import TeamSync

/// The standard scenario: g1 gains bob and loses mallory, g2 is created for carol, g3 gains carol.
private let manifest = Fixture.manifest(
    members: Fixture.members(["pi1", "alice", "bob", "carol"], roles: ["pi1": .pi]),
    groups: [
        "m1": GroupSpec(members: .all),
        "g1": GroupSpec(members: .list(["alice", "bob"])),
        "g2": GroupSpec(members: .list(["carol"])),
        "g3": GroupSpec(members: .list(["alice", "carol"])),
    ])
private let startState: [String: [String]] = [
    "m1": ["alice", "bob", "carol", "pi1"], "g1": ["alice", "mallory"], "g3": ["alice"],
]

private func plan(for state: [String: [String]], manifests: [TeamManifest] = [manifest]) -> Plan {
    Planner.plan(
        manifests: manifests, observed: Fixture.snapshot(groups: state), capabilities: .sfapiV1_2,
        options: Fixture.options())
}

private func setUp(_ state: [String: [String]] = startState) -> (FakeFacility, InMemoryApplyJournal, Applier) {
    let facility = FakeFacility(groups: state)
    let journal = InMemoryApplyJournal()
    let quiet = Logger(label: "test.apply") { _ in SwiftLogNoOpLogHandler() }
    return (facility, journal, Applier(provider: FakeProvider(facility: facility), journal: journal, log: quiet))
}

private func outcomes(_ report: ApplyReport) -> [String: ApplyReport.ChangeOutcome] {
    Dictionary(uniqueKeysWithValues: report.results.map { ($0.change.id, $0.outcome) })
}

struct ApplierTests {
    @Test func theScenarioPlansWhatTheTestsAssume() {
        #expect(
            plan(for: startState).changes.map(Fixture.describe) == [
                "add g1 bob", "remove g1 mallory", "create g2", "add g2 carol", "add g3 carol",
            ])
    }

    @Test func sendsTheMinimumRequestsAndConverges() async throws {
        let (facility, _, applier) = setUp()
        let thePlan = plan(for: startState)
        let report = await applier.apply(thePlan)
        #expect(report.outcome == .succeeded)
        #expect(!report.failed)
        let writes = await facility.writeCalls
        #expect(writes.sorted() == ["add g1", "add g2", "add g3", "create g2", "remove g1"])
        #expect(writes.count == thePlan.changes.count)
        #expect(report.results.allSatisfy { $0.requests == 1 && $0.outcome == .confirmed })
        let reads = await facility.calls.filter { $0.hasPrefix("read ") }
        #expect(reads.sorted() == ["read g1", "read g2", "read g3"], "one basis read per touched group")

        let after = await facility.groups.mapValues { $0.sorted() }
        #expect(plan(for: after).changes.isEmpty, "a fresh plan after apply has nothing left to do")
        #expect(after["g1"] == ["alice", "bob"] && after["g2"] == ["carol"] && after["g3"] == ["alice", "carol"])
    }

    @Test func journalRecordsEveryStep() async throws {
        let (_, journal, applier) = setUp()
        let thePlan = plan(for: startState)
        let report = await applier.apply(thePlan)
        for change in thePlan.changes {
            #expect(await journal.states(of: change.id) == [.planned, .sent, .confirmed])
        }
        let runID = try #require(report.runID)
        #expect(await journal.outcomes[runID] == .succeeded)
        #expect(await journal.runs.map(\.planID) == [thePlan.planID])
    }

    @Test func stopsBeforeAnyWriteWhenIrisIsNotActive() async throws {
        let (facility, journal, applier) = setUp()
        await facility.setStatus(.degraded)
        let report = await applier.apply(plan(for: startState))
        #expect(report.outcome == .refused)
        #expect(report.failed)
        #expect(report.refusal?.contains("'iris' is degraded") == true)
        #expect(report.refusal?.contains("--ignore-status") == true)
        #expect(await facility.writeCalls.isEmpty)
        #expect(await journal.runs.isEmpty)
    }

    @Test func aPreflightRefusalStopsBeforeAnyWriteAndIsReportedFirst() async throws {
        let (facility, journal, applier) = setUp()
        await facility.setStatus(.degraded)
        let report = await applier.apply(plan(for: startState), preflight: { "the plan was made by someone else" })
        #expect(report.outcome == .refused)
        #expect(report.refusal == "the plan was made by someone else")
        #expect(await facility.calls.contains("status"), "the preflight went out with the other reads")
        #expect(await facility.writeCalls.isEmpty)
        #expect(await journal.runs.isEmpty)
    }

    @Test func ignoreStatusSkipsTheCheck() async throws {
        let (facility, _, applier) = setUp()
        await facility.setStatus(.unavailable)
        let report = await applier.apply(plan(for: startState), options: ApplyOptions(ignoreStatus: true))
        #expect(report.outcome == .succeeded)
        #expect(await !facility.calls.contains("status"))
    }

    @Test func refusesAPlanThatBreaksPolicyWithoutAnyRequest() async throws {
        let (facility, _, applier) = setUp()
        var thePlan = plan(for: startState)
        thePlan.refusals = ["project m1: the plan removes 1 memberships, more than max_removals 0"]
        let report = await applier.apply(thePlan)
        #expect(report.outcome == .refused)
        #expect(report.refusal?.contains("max_removals 0") == true)
        #expect(await facility.calls.isEmpty)
    }

    @Test func refusesTheWholePlanWhenATouchedGroupChanged() async throws {
        let (facility, _, applier) = setUp()
        let thePlan = plan(for: startState)
        await facility.set("g3", ["alice", "eve"])
        let report = await applier.apply(thePlan)
        #expect(report.outcome == .refused)
        #expect(report.refusal?.contains("group g3 gained eve") == true)
        #expect(await facility.writeCalls.isEmpty, "no group is written, not even the unchanged ones")
    }

    @Test func refusesWhenAGroupToCreateNowExists() async throws {
        let (facility, _, applier) = setUp()
        let thePlan = plan(for: startState)
        await facility.set("g2", [])
        let report = await applier.apply(thePlan)
        #expect(report.refusal?.contains("group g2 now exists") == true)
        #expect(await facility.writeCalls.isEmpty)
    }

    @Test func aLostAnswerIsConfirmedByReReadingWithoutResending() async throws {
        let (facility, _, applier) = setUp()
        await facility.inject(.timeoutAfterEffect, into: "add g1")
        let report = await applier.apply(plan(for: startState))
        #expect(report.outcome == .succeeded)
        #expect(await facility.writeCalls.filter { $0 == "add g1" }.count == 1)
        #expect(await facility.calls.filter { $0 == "read g1" }.count == 2, "basis read, then the re-read")
        let result = try #require(report.results.first { $0.change.id == "nersc/m1/groups/g1/add" })
        #expect(result.outcome == .confirmed)
        #expect(result.detail?.contains("the answer was lost") == true)
    }

    @Test func aTimeoutWithoutEffectIsRetriedOnce() async throws {
        let (facility, _, applier) = setUp()
        await facility.inject(.timeoutBeforeEffect, into: "add g3")
        let report = await applier.apply(plan(for: startState))
        #expect(report.outcome == .succeeded)
        #expect(await facility.writeCalls.filter { $0 == "add g3" }.count == 2)
        #expect(report.results.first { $0.change.id == "nersc/m1/groups/g3/add" }?.requests == 2)
        #expect(await facility.groups["g3"] == ["alice", "carol"])
    }

    @Test func twoTimeoutsFailOnlyThatChange() async throws {
        let (facility, _, applier) = setUp()
        await facility.inject(.timeoutBeforeEffect, into: "add g3")
        await facility.inject(.timeoutBeforeEffect, into: "add g3")
        let report = await applier.apply(plan(for: startState))
        #expect(report.outcome == .failed)
        #expect(outcomes(report)["nersc/m1/groups/g3/add"] == .failed)
        #expect(report.results.filter { $0.change.group != "g3" }.allSatisfy { $0.outcome == .confirmed })
        #expect(await facility.writeCalls.filter { $0 == "add g3" }.count == 2, "one retry, no more")
    }

    @Test func aDefiniteFailureStaysInItsGroup() async throws {
        let (facility, journal, applier) = setUp()
        await facility.inject(.rejected("422 user bob is not in project m1"), into: "add g1")
        let report = await applier.apply(plan(for: startState))
        #expect(report.failed)
        let byID = outcomes(report)
        #expect(byID["nersc/m1/groups/g1/add"] == .failed)
        #expect(byID["nersc/m1/groups/g1/remove"] == .confirmed, "add and remove of one group are independent")
        #expect(
            byID["nersc/m1/groups/g2/create"] == .confirmed && byID["nersc/m1/groups/g2/add"] == .confirmed
                && byID["nersc/m1/groups/g3/add"] == .confirmed)
        #expect(await facility.writeCalls.filter { $0 == "add g1" }.count == 1, "a definite refusal is not retried")
        #expect(await journal.states(of: "nersc/m1/groups/g1/add") == [.planned, .sent, .failed])
        let summary = report.summaryText()
        #expect(summary.contains("FAILED nersc/m1/groups/g1/add bob: 422 user bob is not in project m1"))
        #expect(summary.contains("4 confirmed, 1 failed"))
        #expect(summary.contains("run apply with the same plan again"))
    }

    @Test func anAnswerThatDoesNotShowTheChangeIsAFailure() async throws {
        let (facility, _, applier) = setUp()
        await facility.ignore(["bob"])
        let report = await applier.apply(plan(for: startState))
        let result = try #require(report.results.first { $0.change.id == "nersc/m1/groups/g1/add" })
        #expect(result.outcome == .failed)
        #expect(result.detail == "the facility answered, but group g1 still lacks bob")
        #expect(report.outcome == .failed)
    }

    @Test func aFailedCreationSkipsTheRestOfThatGroup() async throws {
        let (facility, _, applier) = setUp()
        await facility.inject(.rejected("422 name: at most 8 characters"), into: "create g2")
        let report = await applier.apply(plan(for: startState))
        let byID = outcomes(report)
        #expect(byID["nersc/m1/groups/g2/create"] == .failed)
        #expect(byID["nersc/m1/groups/g2/add"] == .notAttempted)
        #expect(await !facility.writeCalls.contains("add g2"))
        #expect(byID["nersc/m1/groups/g3/add"] == .confirmed)
    }

    @Test func aRerunSendsOnlyWhatDidNotSucceed() async throws {
        let (facility, journal, applier) = setUp()
        let thePlan = plan(for: startState)
        await facility.inject(.rejected("503 try later"), into: "add g1")
        let first = await applier.apply(thePlan)
        #expect(first.outcome == .failed)
        let writesBefore = await facility.writeCalls.count

        let second = await applier.apply(thePlan)
        #expect(second.outcome == .succeeded)
        #expect(await Array(facility.writeCalls.dropFirst(writesBefore)) == ["add g1"])
        #expect(outcomes(second)["nersc/m1/groups/g1/add"] == .confirmed)
        #expect(
            second.results.filter { $0.change.id != "nersc/m1/groups/g1/add" }.allSatisfy {
                $0.outcome == .alreadyConfirmed
            })
        #expect(await journal.runs.count == 2)

        let callsBefore = await facility.calls.count
        let third = await applier.apply(thePlan)
        #expect(third.outcome == .succeeded)
        #expect(await facility.calls.count == callsBefore, "a finished plan sends nothing at all")
    }

    @Test func aRunKilledAfterSendingConvergesWithoutResending() async throws {
        let (facility, journal, applier) = setUp()
        let thePlan = plan(for: startState)
        // The killed run: it recorded `sent` for g3's add, the facility made the change, then the process died.
        let killed = ApplyRun(
            id: "killed", planID: thePlan.planID, startedAt: 0, provider: "fake", facility: "nersc", changeIDs: [])
        try await journal.begin(run: killed)
        try await journal.record(runID: "killed", changeID: "nersc/m1/groups/g3/add", state: .sent, detail: nil)
        await facility.set("g3", ["alice", "carol"])

        let report = await applier.apply(thePlan)
        #expect(report.outcome == .succeeded, "the basis check accepts a change an earlier run sent")
        #expect(await !facility.writeCalls.contains("add g3"))
        #expect(outcomes(report)["nersc/m1/groups/g3/add"] == .confirmed)
    }

    @Test func aRunKilledBeforeTheFacilityActedResends() async throws {
        let (facility, journal, applier) = setUp()
        let thePlan = plan(for: startState)
        let killed = ApplyRun(
            id: "killed", planID: thePlan.planID, startedAt: 0, provider: "fake", facility: "nersc", changeIDs: [])
        try await journal.begin(run: killed)
        try await journal.record(runID: "killed", changeID: "nersc/m1/groups/g3/add", state: .sent, detail: nil)

        let report = await applier.apply(thePlan)
        #expect(report.outcome == .succeeded)
        #expect(await facility.writeCalls.filter { $0 == "add g3" }.count == 1)
    }

    @Test func dryRunReadsButNeitherWritesNorJournals() async throws {
        let (facility, journal, applier) = setUp()
        let report = await applier.apply(plan(for: startState), options: ApplyOptions(dryRun: true))
        #expect(report.outcome == .dryRun)
        #expect(!report.failed)
        #expect(report.results.allSatisfy { $0.outcome == .wouldApply })
        #expect(await facility.writeCalls.isEmpty)
        #expect(await facility.calls.contains("status"))
        #expect(await journal.runs.isEmpty)
        #expect(report.summaryText().contains("5 would be sent"))
    }

    @Test(arguments: [1, 3])
    func concurrencyIsBounded(limit: Int) async throws {
        let names = (0..<8).map { "grp\($0)" }
        var groups = Dictionary(uniqueKeysWithValues: names.map { ($0, GroupSpec(members: .list(["alice"]))) })
        groups["m1"] = GroupSpec(members: .all)
        let many = Fixture.manifest(members: Fixture.members(["pi1", "alice"], roles: ["pi1": .pi]), groups: groups)
        var state = Dictionary(uniqueKeysWithValues: names.map { ($0, [String]()) })
        state["m1"] = ["alice", "pi1"]
        let (facility, _, applier) = setUp(state)
        await facility.setWriteDelay(nanoseconds: 5_000_000)
        let report = await applier.apply(plan(for: state, manifests: [many]), options: ApplyOptions(concurrency: limit))
        #expect(report.outcome == .succeeded)
        #expect(await facility.writeCalls.count == names.count)
        #expect(await facility.maxInFlight <= limit)
    }

    @Test func rosterChangesFailClearlyOnAProviderThatCannotWriteThem() async throws {
        let (facility, _, applier) = setUp(["m1": ["pi1", "alice"]])
        let rosterPlan = Planner.plan(
            manifests: [Fixture.manifest(members: Fixture.members(["pi1", "alice", "bob"], roles: ["pi1": .pi]))],
            observed: Fixture.snapshot(groups: ["m1": ["alice", "pi1"]]),
            capabilities: ProviderCapabilities(observable: [.roster, .groups], writable: [.roster]),
            options: Fixture.options())
        #expect(rosterPlan.changes.map(Fixture.describe) == ["join m1 bob"])
        // Without the basis check (which refuses before any write, since the target cannot be read), the change
        // reaches the provider, which refuses it by name.
        let report = await applier.apply(rosterPlan, options: ApplyOptions(verifyBasis: false))
        #expect(report.outcome == .failed)
        #expect(report.results.first?.detail?.contains("cannot perform change nersc/m1/roster/add") == true)
        #expect(await facility.writeCalls.isEmpty)
    }

    @Test func driftToleratesOnlyChangesSentButUnconfirmed() {
        let basis = PlanBasis(
            snapshotID: 1, snapshotHash: nil, fetchedAt: 0, facility: "nersc", provider: "fake", caller: "pi1",
            manualSystem: nil, targets: ["group g": TargetState(values: ["a", "b"])])
        let add = PlannedChange(
            id: "p/g/add", facility: "nersc", project: "p", action: .addGroupMembers(group: "g", usernames: ["c"]))
        let remove = PlannedChange(
            id: "p/g/remove", facility: "nersc", project: "p", action: .removeGroupMembers(group: "g", usernames: ["b"])
        )
        func drift(_ names: [String]?, confirmed: Set<String> = [], attempted: Set<String> = []) -> String? {
            Applier.drift(
                target: .group("g"), basis: basis, changes: [add, remove], confirmed: confirmed, attempted: attempted,
                current: names.map { TargetState(values: Set($0)) } ?? TargetState(exists: false))
        }
        #expect(drift(["a", "b"]) == nil)
        #expect(drift(["a", "b", "c"]) == "group g gained c")
        #expect(drift(["a", "b", "c"], attempted: ["p/g/add"]) == nil)
        #expect(drift(["a", "c"], confirmed: ["p/g/add", "p/g/remove"], attempted: ["p/g/add", "p/g/remove"]) == nil)
        #expect(drift(["a", "b", "c"], confirmed: ["p/g/add", "p/g/remove"]) == "group g gained b")
        #expect(drift(["a"]) == "group g lost b")
        #expect(drift(nil) == "group g no longer exists")
    }
}
