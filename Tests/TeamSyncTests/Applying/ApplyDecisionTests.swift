import AccountModels
import Testing

@testable import TeamSync

/// The applier's decisions as a pure function: every path without a facility.
struct ApplyDecisionTests {
    static let add = PlannedChange(
        id: "f/p/g/add", facility: "f", project: "p", action: .addGroupMembers(group: "g", usernames: ["bob"]))
    static let create = PlannedChange(id: "f/p/g/create", facility: "f", project: "p", action: .createGroup(group: "g"))

    static func state(_ values: Set<String>, exists: Bool = true) -> TargetState {
        TargetState(exists: exists, values: values)
    }

    @Test func aNewChangeIsSentAndConfirmedByItsAnswer() {
        var decision = ApplyDecision(change: Self.add)
        #expect(decision.next(after: .begin(attemptedBefore: false)) == .send)
        let answer = ChangeAnswer(state: Self.state(["alice", "bob"]), detail: "ok")
        #expect(decision.next(after: .answered(answer)) == .confirm("ok"))
        #expect(decision.sends == 1)
    }

    @Test func anAnswerThatShowsTheChangeMissingFails() {
        var decision = ApplyDecision(change: Self.add)
        _ = decision.next(after: .begin(attemptedBefore: false))
        let action = decision.next(after: .answered(ChangeAnswer(state: Self.state(["alice"]), detail: "ok")))
        #expect(action == .fail("the facility answered, but group g still lacks bob"))
    }

    @Test func aLostAnswerIsReReadNotReSent() {
        var decision = ApplyDecision(change: Self.add)
        _ = decision.next(after: .begin(attemptedBefore: false))
        #expect(decision.next(after: .failed(.ambiguous, "timed out")) == .reread)
        #expect(
            decision.next(after: .reread(Self.state(["bob"])))
                == .confirm("the answer was lost (timed out); a re-read shows it in effect"))
        #expect(decision.sends == 1)
    }

    @Test func aLostWriteThatDidNotHappenIsSentOnceMoreThenFails() {
        var decision = ApplyDecision(change: Self.add)
        _ = decision.next(after: .begin(attemptedBefore: false))
        #expect(decision.next(after: .failed(.ambiguous, "timed out")) == .reread)
        #expect(decision.next(after: .reread(Self.state([]))) == .send)
        #expect(decision.next(after: .failed(.ambiguous, "timed out again")) == .reread)
        guard case .fail(let message) = decision.next(after: .reread(Self.state([]))) else {
            Issue.record("expected a failure after two sends")
            return
        }
        #expect(message.contains("timed out again"))
        #expect(decision.sends == ApplyDecision.maxSends)
    }

    @Test func alreadyExistsIsConfirmedWhenTheObjectIsAsAsked() {
        var decision = ApplyDecision(change: Self.create)
        _ = decision.next(after: .begin(attemptedBefore: false))
        #expect(decision.next(after: .failed(.alreadyExists, "409 Group g already exists")) == .reread)
        #expect(
            decision.next(after: .reread(Self.state([])))
                == .confirm("409 Group g already exists; a re-read shows it as asked"))
    }

    @Test func alreadyExistsFailsWhenTheReReadDisagrees() {
        var decision = ApplyDecision(change: Self.add)
        _ = decision.next(after: .begin(attemptedBefore: false))
        _ = decision.next(after: .failed(.alreadyExists, "409"))
        guard case .fail = decision.next(after: .reread(Self.state([]))) else {
            Issue.record("a conflicting object must not be confirmed")
            return
        }
    }

    @Test func aDefiniteRefusalFailsAtOnce() {
        var decision = ApplyDecision(change: Self.add)
        _ = decision.next(after: .begin(attemptedBefore: false))
        #expect(decision.next(after: .failed(.definite, "403 forbidden")) == .fail("403 forbidden"))
    }

    @Test func aChangeAnEarlierRunSentIsReReadFirst() {
        var confirmed = ApplyDecision(change: Self.add)
        #expect(confirmed.next(after: .begin(attemptedBefore: true)) == .reread)
        #expect(
            confirmed.next(after: .reread(Self.state(["bob"])))
                == .confirm("sent by an earlier run; a re-read shows it in effect"))
        #expect(confirmed.sends == 0)

        var resent = ApplyDecision(change: Self.add)
        _ = resent.next(after: .begin(attemptedBefore: true))
        #expect(resent.next(after: .reread(Self.state([]))) == .send)
        var unreadable = ApplyDecision(change: Self.add)
        _ = unreadable.next(after: .begin(attemptedBefore: true))
        #expect(unreadable.next(after: .rereadFailed("503")) == .send)
    }

    @Test func effectsOfEveryActionAreSeenByAReRead() {
        let role = PlannedChange(id: "r", facility: "f", project: "p", action: .setRole(.pi, usernames: ["a"]))
        #expect(role.isInEffect(in: Self.state(["a=pi"])))
        #expect(!role.isInEffect(in: Self.state(["a=member"])))
        #expect(role.applied(to: Self.state(["a=member", "b=pi"])).values == ["a=pi", "b=pi"])
        let limit = PlannedChange(
            id: "l", facility: "f", project: "p", action: .setLimit(subject: "a", resource: .cpuHours, value: .hours(5))
        )
        #expect(limit.isInEffect(in: Self.state(["cpu_hours=5", "gpu_hours=1"])))
        #expect(!limit.isInEffect(in: Self.state(["cpu_hours=6"])))
        let revoke = PlannedChange(
            id: "v", facility: "f", project: "p", action: .revokePermission("q", usernames: ["a"]))
        #expect(revoke.isInEffect(in: Self.state(["b"])))
        #expect(!Self.create.isInEffect(in: Self.state([], exists: false)))
    }
}
