import Foundation
import Testing

@testable import FacilityEmulator

@Suite("Emulator: seed files")
struct EmulatorSeedTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleFacilityMatchesTheExampleTeamWithDrift() throws {
        let seed = try EmulatorSeed.load(
            path: Self.repositoryRoot.appendingPathComponent("examples/facility.yaml").path)
        let project = try #require(seed.projects.first { $0.repo_name == "m4812" })
        #expect(project.members.count == 31)  // the 30 in the manifest, plus olduser who left
        #expect(project.member("amorales")?.role == .pi)
        #expect(project.member("bchen")?.role == .piProxy && project.member("cokafor")?.role == .piProxy)
        #expect(project.member("cyilmaz") != nil && project.member("olduser") != nil)
        let groups = Dictionary(uniqueKeysWithValues: seed.groups.map { ($0.name, $0) })
        #expect(groups["lumsim"] == nil)
        #expect(groups["lumcal"]?.members.contains("jlarsen") == true)
        #expect(groups["lumcal"]?.members.contains("hkim") == false)
        #expect(groups["lumana"]?.members.contains("cyilmaz") == true)
        #expect(seed.tokens.contains { $0.token == "demo-pi" && $0.user == "amorales" })
        #expect(seed.projects.filter { $0.member("amorales") != nil }.count == 2)
        #expect(seed.outages.contains { $0.status == "Planned" })
        #expect(seed.systems.first { $0.name == "perlmutter" }?.status == .active)
    }

    @Test func extraKeysAreIgnoredAndMissingListsAreEmpty() throws {
        let seed = try EmulatorSeed(yaml: "users: [{name: a, uid: 1, shoe_size: 42}]\ncomment: hello\n")
        #expect(seed.users.map(\.name) == ["a"] && seed.groups.isEmpty && seed.tokens.isEmpty)
    }

    @Test func inconsistentSeedsListEveryProblem() {
        let yaml = """
            users: [{name: a, uid: 1}]
            projects: [{id: 1, repo_name: m1, description: x, members: [{user: ghost, role: PI}]}]
            groups: [{name: g, gid: 2, repo_name: m9, members: [phantom]}, {name: h, gid: 2}]
            tokens: [{token: t, user: nobody}]
            clients: [{client_id: ABCDEFGHIJKLM, user: a, name: ci, public_key_pem: nonsense, expires_at: soon}]
            """
        #expect {
            try EmulatorSeed(yaml: yaml)
        } throws: { error in
            let text = "\(error)"
            return ["ghost", "m9", "phantom", "nobody", "gid 2", "no usable RSA key", "expires_at soon"]
                .allSatisfy(text.contains)
        }
    }

    @Test func badYAMLNamesThePlace() {
        #expect {
            try EmulatorSeed(yaml: "projects: [{id: one, repo_name: m1}]")
        } throws: { error in
            "\(error)".contains("projects[0]")
        }
        #expect(throws: SeedError.self) { try EmulatorSeed.load(path: "/nonexistent/seed.yaml") }
    }

    @Test func roleNamesMustBeIrisRoles() {
        #expect(throws: SeedError.self) {
            try EmulatorSeed(
                yaml: "users: [{name: a, uid: 1}]\nprojects: [{id: 1, repo_name: m1, members: [{user: a, role: Boss}]}]"
            )
        }
    }
}
