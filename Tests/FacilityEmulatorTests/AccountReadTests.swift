import Foundation
import Testing

@testable import FacilityEmulator

@Suite("Emulator: /account reads")
struct AccountReadTests {
    @Test func userInfoDefaultsToTheCallerAndLooksUpOthersByName() async throws {
        try await RunningEmulator.with { emulator in
            let me = try await emulator.api(.get, "/account/", token: "dev-alice")
            #expect(me.status == 200)
            let info = try me.decoded(SFAPIWire.UserInfo.self)
            #expect(info.name == "alice" && info.uid == 1001 && info.email == "alice@example.org")

            let bob = try await emulator.api(.get, "/account/?username=bob", token: "dev-alice")
            #expect(try bob.decoded(SFAPIWire.UserInfo.self).uid == 1002)

            let nobody = try await emulator.api(.get, "/account/?username=nobody", token: "dev-alice")
            #expect(nobody.status == 404)
            #expect(nobody.detailMessage?.contains("nobody") == true)
        }
    }

    @Test func projectsGiveTheCallersShareAndTheProjectTotals() async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(.get, "/account/projects", token: "dev-alice")
            let projects = try response.decoded([SFAPIWire.ProjectStats].self)
            let project = try #require(projects.first)
            #expect(projects.count == 1)
            #expect(project.repo_name == "m1234" && project.id == 1234 && project.iris_role == "PI")
            #expect(project.cpu_hours_given == 50000 && project.cpu_hours_used == 1200.5)
            #expect(project.cpu_project_hours_given == 100000)
            #expect(project.cpu_project_hours_used == 1500.5)  // no explicit total: the members' sum
            #expect(project.gpu_project_hours_used == 100)
            #expect(project.hours_given == 58000 && project.hours_used == 1300.5)
            #expect(project.project_hours_given == 120000)
            #expect(project.project_projdir_usage?.bytes_used == 2.5e12)
            #expect(project.projdir_usage?.first?.name == "m1234")
            #expect(project.hpss_usage?.first?.bytes_given == 5.0e14)
            #expect(project.project_projdir_usage?.bytes_used_human == "2.5 TB")

            let bobs = try await emulator.api(.get, "/account/projects", token: "dev-bob").decoded(
                [SFAPIWire.ProjectStats].self)
            #expect(bobs.map(\.iris_role) == ["Member"])
            #expect(bobs.first?.cpu_hours_given == 10000)
            let erins = try await emulator.api(.get, "/account/projects", token: "dev-erin").decoded(
                [SFAPIWire.ProjectStats].self)
            #expect(erins.isEmpty)
        }
    }

    @Test func rolesFollowMembership() async throws {
        try await RunningEmulator.with { emulator in
            let carol = try await emulator.api(.get, "/account/roles", token: "dev-carol").decoded(
                [SFAPIWire.RoleStats].self)
            #expect(
                carol == [
                    SFAPIWire.RoleStats(
                        id: 1234, description: "Detector calibration", repo_name: "m1234", iris_role: "PI Proxy")
                ])
            let dave = try await emulator.api(.get, "/account/roles", token: "dev-dave").decoded(
                [SFAPIWire.RoleStats].self)
            #expect(dave.map(\.repo_name) == ["m5678"])
        }
    }

    @Test func groupListShowsOnlyTheCallersGroups() async throws {
        try await RunningEmulator.with { emulator in
            let bob = try await emulator.api(.get, "/account/groups", token: "dev-bob").decoded(
                SFAPIWire.GroupList.self)
            #expect(bob.groups.map(\.name) == ["m1234g"])
            #expect(
                bob.groups.first?.users == [
                    SFAPIWire.UserStats(uid: 1001, name: "alice"), SFAPIWire.UserStats(uid: 1002, name: "bob"),
                ])
            // carol manages m1234's groups but is in none of them.
            let carol = try await emulator.api(.get, "/account/groups", token: "dev-carol").decoded(
                SFAPIWire.GroupList.self)
            #expect(carol.groups.isEmpty)
        }
    }

    @Test(arguments: [
        ("dev-bob", 200),  // a member
        ("dev-carol", 200),  // PI Proxy of the owning project, not a member
        ("dev-alice", 200),  // PI and member
        ("dev-dave", 403),  // neither
        ("dev-erin", 403),
    ])
    func groupIsReadableByMembersAndProjectManagersOnly(token: String, status: Int) async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(.get, "/account/groups/m1234g", token: token)
            #expect(response.status == status)
            if status == 200 {
                #expect(try response.decoded(SFAPIWire.GroupStats.self).gid == 60001)
            } else {
                #expect(response.detailMessage?.isEmpty == false)
            }
        }
    }

    @Test func unknownGroupIs404() async throws {
        try await RunningEmulator.with { emulator in
            let response = try await emulator.api(.get, "/account/groups/nosuch", token: "dev-alice")
            #expect(response.status == 404)
            #expect(response.detailMessage == "Group nosuch not found")
        }
    }

    @Test func clientsListOnlyTheCallersClients() async throws {
        let pem = try #require(TestKeys.backing).publicKey.pemRepresentation
        let seed = try TestSeed.seed(clients: [
            .init(
                client_id: "ABCDEFGHIJKLM", user: "alice", name: "ci", public_key_pem: pem,
                expires_at: "2099-01-01T00:00:00Z"),
            .init(
                client_id: "NOPQRSTUVWXYZ", user: "bob", name: "laptop", public_key_pem: pem,
                expires_at: "2099-01-01T00:00:00Z"),
        ])
        try await RunningEmulator.with(seed: seed) { emulator in
            let clients = try await emulator.api(.get, "/account/clients", token: "dev-alice").decoded(
                [SFAPIWire.Client].self)
            #expect(
                clients == [SFAPIWire.Client(name: "ci", clientId: "ABCDEFGHIJKLM", expiresAt: "2099-01-01T00:00:00Z")])
            #expect(
                !String(
                    decoding: try await emulator.api(.get, "/account/clients", token: "dev-alice").body, as: UTF8.self
                )
                .contains("BEGIN"))
        }
    }

    @Test(arguments: [nil, "not-a-token"] as [String?])
    func missingOrBadTokenIs401(token: String?) async throws {
        try await RunningEmulator.with { emulator in
            for path in ["/account/", "/account/projects", "/account/groups", "/account/groups/m1234g", "/tasks"] {
                let response = try await emulator.api(.get, path, token: token)
                #expect(response.status == 401, "\(path)")
                #expect(response.detailMessage != nil)
                #expect(response.headers["www-authenticate"] == "Bearer")
            }
            let write = try await emulator.api(
                .post, "/account/groups", token: token, form: [("name", "x"), ("repo_name", "m1234")])
            #expect(write.status == 401)
            #expect(await emulator.server.stateSnapshot().groups.count == 2)
        }
    }

    @Test func unknownPathsAndMethodsAnswerLikeFastAPI() async throws {
        try await RunningEmulator.with { emulator in
            let unknownPath = try await emulator.api(.get, "/account/nothing/here", token: "dev-alice")
            #expect(unknownPath.status == 404)
            let wrongMethod = try await emulator.api(.delete, "/account/groups/m1234g", token: "dev-alice")
            #expect(wrongMethod.status == 405)
            let outsideAPI = try await emulator.send(.get, "/elsewhere")
            #expect(outsideAPI.detailMessage == "Not Found")
        }
    }
}
