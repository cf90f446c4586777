import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The drift detector on hand-made observed states: one layer, no cache.
struct DriftDetectorTests {
    static let day: Double = 86_400

    func state(
        at day: Double, groups: [String: [String]] = [:], missing: Set<String> = [],
        projects: [String: ObservedProject] = [:], facility: String = "site"
    ) -> ObservedState {
        ObservedState(
            facility: facility, caller: "pi", fetchedAt: day * Self.day, groups: groups, missingGroups: missing,
            projects: projects)
    }

    func change(_ action: PlannedChange.Action, project: String = "p1", facility: String = "site") -> PlannedChange {
        PlannedChange(id: "c-\(UUID().uuidString.prefix(6))", facility: facility, project: project, action: action)
    }

    @Test func everyKindOfOutsideChangeIsFoundWithItsDayNewestFirst() {
        let before = ObservedProject(
            members: ["pi": .pi, "ann": .member, "bob": .member], permissions: ["premium": ["ann"]],
            limits: ["ann": [.cpuHours: .hours(100)]])
        let after = ObservedProject(
            members: ["pi": .pi, "ann": .piProxy, "cat": .member], permissions: ["premium": ["pi"]],
            limits: ["ann": [.cpuHours: .hours(500)]])
        let events = DriftDetector.events(
            states: [
                state(at: 1, groups: ["g1": ["ann"]], missing: ["g2"], projects: ["p1": before]),
                state(at: 2, groups: ["g1": ["ann", "dan"], "g2": []], projects: ["p1": before]),
                state(at: 3, groups: ["g1": ["dan"], "g2": []], projects: ["p1": after]),
            ], applied: [])
        let messages = events.map(\.message)
        #expect(events.first?.firstSeenAt == 3 * Self.day)
        #expect(events.last?.firstSeenAt == 2 * Self.day)
        #expect(Set(events.filter { $0.firstSeenAt == 2 * Self.day }.map(\.kind)) == [.groupCreated, .addedToGroup])
        #expect(messages.contains("dan added to group g1"))
        #expect(messages.contains("ann removed from group g1"))
        #expect(messages.contains("bob left p1"))
        #expect(messages.contains("cat joined p1"))
        #expect(messages.contains("ann's role in p1 changed from member to pi_proxy"))
        #expect(messages.contains("pi given premium in p1"))
        #expect(messages.contains("ann lost premium in p1"))
        #expect(messages.contains("ann's limit in p1 changed from cpu_hours 100 to cpu_hours 500"))
        #expect(events.allSatisfy { $0.facility == "site" })
        let joined = events.first { $0.kind == .joined }
        #expect(joined?.notBefore == 2 * Self.day)
    }

    @Test func whatAnApplySentInBetweenIsNotDrift() {
        let applied = [
            AppliedChange(at: 1.5 * Self.day, change: change(.addGroupMembers(group: "g1", usernames: ["ann"]))),
            AppliedChange(at: 1.5 * Self.day, change: change(.createGroup(group: "g2"))),
            AppliedChange(
                at: 1.5 * Self.day, change: change(.setLimit(subject: "ann", resource: .cpuHours, value: .hours(9)))),
        ]
        let events = DriftDetector.events(
            states: [
                state(
                    at: 1, groups: ["g1": []], missing: ["g2"],
                    projects: [
                        "p1": ObservedProject(members: ["ann": .member], limits: ["ann": [.cpuHours: .hours(1)]])
                    ]),
                state(
                    at: 2, groups: ["g1": ["ann", "bob"], "g2": []],
                    projects: [
                        "p1": ObservedProject(members: ["ann": .member], limits: ["ann": [.cpuHours: .hours(9)]])
                    ]),
            ], applied: applied)
        #expect(events.map(\.message) == ["bob added to group g1"])
    }

    @Test func anApplyOutsideTheIntervalOrAtAnotherFacilityExplainsNothing() {
        let states = [state(at: 1, groups: ["g1": []]), state(at: 2, groups: ["g1": ["ann"]])]
        let add = PlannedChange.Action.addGroupMembers(group: "g1", usernames: ["ann"])
        for applied in [
            AppliedChange(at: 0.5 * Self.day, change: change(add)),
            AppliedChange(at: 1.5 * Self.day, change: change(add, facility: "other")),
        ] {
            #expect(
                DriftDetector.events(states: states, applied: [applied]).map(\.message) == ["ann added to group g1"])
        }
    }

    @Test func aTargetIsComparedOnlyBetweenReadsThatReadIt() {
        // The middle snapshot read no groups (a usage refresh): g1 is not "deleted" and re-created.
        let events = DriftDetector.events(
            states: [
                state(at: 1, groups: ["g1": ["ann"]]), state(at: 2), state(at: 3, groups: ["g1": ["ann", "bob"]]),
            ],
            applied: [])
        #expect(events.map(\.message) == ["bob added to group g1"])
        #expect(events.first?.notBefore == 1 * Self.day)
    }

    @Test func sinceKeepsOnlyLaterEvents() {
        let states = [
            state(at: 1, groups: ["g1": []]), state(at: 2, groups: ["g1": ["ann"]]),
            state(at: 3, groups: ["g1": ["ann", "bob"]]),
        ]
        #expect(
            DriftDetector.events(states: states, applied: [], since: 2.5 * Self.day).map(\.message) == [
                "bob added to group g1"
            ])
    }

    @Test func aGroupJoinIsNotAlsoReportedAsARosterJoin() {
        let events = DriftDetector.events(
            states: [
                state(at: 1, groups: ["p1": ["pi"]], projects: ["p1": ObservedProject(members: ["pi": nil])]),
                state(
                    at: 2, groups: ["p1": ["pi", "ann"]],
                    projects: ["p1": ObservedProject(members: ["pi": nil, "ann": nil])]),
            ], applied: [])
        #expect(events.map(\.kind) == [.addedToGroup])
    }

    @Test func aJoinCarriesItsRolePermissionsAndLimitsWithIt() {
        // Slurm: a new association gets a role, the account's QOS and perhaps a limit, all in the one join.
        let before = ObservedProject(members: ["pi": .pi], permissions: ["normal": ["pi"]])
        let after = ObservedProject(
            members: ["pi": .pi, "ann": .member, "bob": .member], permissions: ["normal": ["pi", "ann", "bob"]],
            limits: ["bob": [.cpuHours: .hours(10)]])
        let joinByTeamctl = AppliedChange(
            at: 1.5 * Self.day, change: change(.addProjectMembers(usernames: ["ann"])))
        let events = DriftDetector.events(
            states: [state(at: 1, projects: ["p1": before]), state(at: 2, projects: ["p1": after])],
            applied: [joinByTeamctl])
        #expect(events.map(\.message) == ["bob joined p1"])
    }

    @Test func aPlanThatUndoesDriftSaysSo() throws {
        let drift = DriftDetector.events(
            states: [state(at: 1, groups: ["g1": ["ann"]]), state(at: 20_000, groups: ["g1": ["ann", "bob"]])],
            applied: [])
        let removal = change(.removeGroupMembers(group: "g1", usernames: ["bob"]))
        let unrelated = change(.addGroupMembers(group: "g1", usernames: ["cat"]))
        let plan = Plan(
            createdAt: nil, toolVersion: "test", projects: ["p1"],
            basis: PlanBasis(
                snapshotID: 1, snapshotHash: nil, fetchedAt: 0, facility: "site", provider: "test", caller: "pi",
                manualSystem: nil, targets: [:]),
            changes: [removal, unrelated], manualItems: [], warnings: [], refusals: [])
        let warnings = DriftDetector.revertWarnings(for: plan, drift: drift)
        #expect(warnings.count == 1)
        let warning = try #require(warnings.first)
        #expect(warning.kind == .revertsDrift)
        #expect(warning.subject == "bob")
        #expect(warning.message.contains("bob added to group g1"))
        #expect(warning.message.contains("first seen 2024-10-04"))
        #expect(warning.message.contains("not in the manifest"))
    }
}
