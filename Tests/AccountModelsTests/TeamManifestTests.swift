import AccountModels
import Foundation
import Testing

struct TeamManifestTests {
    static let full = TeamManifest(
        project: "m1234", facility: "nersc",
        members: [
            "alice": MemberSpec(role: .pi), "bob": MemberSpec(),
            "carol": MemberSpec(until: CalendarDay(year: 2027, month: 6, day: 30)),
        ],
        groups: [
            "m1234g": GroupSpec(members: .all),
            "calib": GroupSpec(members: .list(["alice", "carol"]), mode: .additive),
        ],
        permissions: ["premium_qos": ["alice"]],
        policy: Policy(protected: ["alice"], max_removals: 10))

    @Test func jsonRoundTripKeepsEveryField() throws {
        let data = try JSONEncoder().encode(Self.full)
        #expect(try JSONDecoder().decode(TeamManifest.self, from: data) == Self.full)
    }

    @Test func defaultsAreLeftOutAndFilledBackIn() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let member = String(decoding: try encoder.encode(MemberSpec()), as: UTF8.self)
        #expect(member == "{}")
        let group = String(decoding: try encoder.encode(GroupSpec(members: .all)), as: UTF8.self)
        #expect(group == #"{"members":"all"}"#)
        #expect(try JSONDecoder().decode(MemberSpec.self, from: Data("{}".utf8)) == MemberSpec())
        #expect(try JSONDecoder().decode(Policy.self, from: Data("{}".utf8)) == Policy())
    }

    @Test func membersPastTheirEndDateCountAsAbsent() {
        let day = CalendarDay(year: 2027, month: 7, day: 1)!
        #expect(Self.full.activeMembers(on: day) == ["alice", "bob"])
        #expect(Self.full.desiredMembers(of: GroupSpec(members: .list(["alice", "carol"])), on: day) == ["alice"])
        let lastDay = CalendarDay(year: 2027, month: 6, day: 30)!
        #expect(Self.full.activeMembers(on: lastDay) == ["alice", "bob", "carol"])
    }
}
