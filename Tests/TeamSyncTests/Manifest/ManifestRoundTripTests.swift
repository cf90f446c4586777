import AccountModels
import Testing

@testable import TeamSync

struct ManifestRoundTripTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    static let manifests: [TeamManifest] = [
        TeamManifest(project: "m1"),
        TeamManifest(
            project: "m1234", facility: "nersc",
            members: [
                "alice": MemberSpec(role: .pi), "bob": MemberSpec(), "dave": MemberSpec(role: .piProxy),
                "carol": MemberSpec(role: .member, until: CalendarDay(year: 2027, month: 6, day: 30)),
                "_svc": MemberSpec(until: CalendarDay(year: 2026, month: 1, day: 1)),
            ],
            groups: [
                "m1234g": GroupSpec(members: .all),
                "calib": GroupSpec(members: .list(["carol", "alice"])),
                "rel-mgr": GroupSpec(members: .list(["alice"]), mode: .additive),
                "empty": GroupSpec(members: .list([]), mode: .additive),
            ],
            permissions: ["premium_qos": ["alice", "bob"], "realtime_qos": []],
            policy: Policy(protected: ["bob", "alice"], max_removals: 0)),
        TeamManifest(
            project: "ast145", facility: "frontier",
            members: [
                "tao": MemberSpec(limits: [.cpuHours: .hours(500), .gpuHours: .unlimited]),
                "uma": MemberSpec(role: .pi, limits: [.gpuHours: .hours(0)]),
            ],
            permissions: ["premium": ["tao"]], limits: [.cpuHours: .hours(60_000)]),
        TeamManifest(
            project: "dune_ops", members: ["null": MemberSpec(), "yes": MemberSpec(), "x1": MemberSpec()],
            groups: ["g": GroupSpec(members: .list(["null", "yes"]))], policy: Policy(protected: ["null"])),
    ]

    @Test(arguments: manifests)
    func parseEncodeParseGivesTheSameValue(_ manifest: TeamManifest) throws {
        let yaml = try ManifestEncoder.yaml(manifest)
        let (loaded, diagnostics) = ManifestLoader.validate(text: yaml, file: "encoded.yaml", today: Self.today)
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.description))\n\(yaml)")
        #expect(loaded?.manifest == manifest, "\(yaml)")
    }

    @Test func theExampleRoundTrips() throws {
        let loaded = try ManifestLoader.load(paths: [ManifestFixtures.examplesDirectory], today: Self.today)
        let original = try #require(loaded.first).manifest
        let yaml = try ManifestEncoder.yaml(original)
        let (again, _) = ManifestLoader.validate(text: yaml, file: "again.yaml", today: Self.today)
        #expect(again?.manifest == original)
        #expect(try ManifestEncoder.yaml(#require(again).manifest) == yaml, "encoding is stable")
    }

    @Test func theFullFixtureRoundTrips() throws {
        let loaded = try ManifestLoader.load(paths: [ManifestFixtures.path("valid/full.yaml")], today: Self.today)
        let original = try #require(loaded.first).manifest
        let (again, _) = ManifestLoader.validate(
            text: try ManifestEncoder.yaml(original), file: "again.yaml", today: Self.today)
        #expect(again?.manifest == original)
    }

    @Test func encodingUsesTheDocumentedOrderAndOmitsDefaults() throws {
        let manifest = TeamManifest(
            project: "m7", members: ["bob": MemberSpec(), "alice": MemberSpec(role: .pi)],
            groups: ["g1": GroupSpec(members: .all)], policy: Policy(max_removals: 3))
        let yaml = try ManifestEncoder.yaml(manifest)
        #expect(
            yaml == """
                version: 1
                project: m7
                members:
                  alice: {role: pi}
                  bob: {}
                groups:
                  g1: {members: all}
                policy:
                  max_removals: 3

                """)
    }
}
