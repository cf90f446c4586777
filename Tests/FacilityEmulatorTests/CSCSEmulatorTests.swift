import Foundation
import TeamSync
import Testing

@testable import FacilityEmulator

/// The emulated CSCS (FirecREST v2, the Alps Accounting API, Keycloak) over real loopback HTTP, beside SFAPI.
@Suite("Emulator: CSCS over FirecREST v2 and Alps Accounting")
struct CSCSEmulatorTests {
    static let tokenPath = "/auth/realms/firecrest-clients/protocol/openid-connect/token"

    static func seed(sfapi: Bool = false) throws -> EmulatorSeed {
        try EmulatorSeed(yaml: CSCSTestSeed.yaml(extraSFAPI: sfapi ? TestSeed.yaml : ""))
    }

    static func token(_ emulator: RunningEmulator) async throws -> String {
        let response = try await emulator.send(
            .post, tokenPath,
            form: [
                ("grant_type", "client_credentials"), ("client_id", CSCSTestSeed.clientID),
                ("client_secret", CSCSTestSeed.clientSecret),
            ])
        try #require(response.status == 200)
        return try response.decoded(FirecRESTWire.TokenResponse.self).access_token
    }

    @Test func clientCredentialsWithTheSecretInTheFormGetAFiveMinuteBearerToken() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let response = try await emulator.send(
                .post, Self.tokenPath,
                form: [
                    ("grant_type", "client_credentials"), ("client_id", CSCSTestSeed.clientID),
                    ("client_secret", CSCSTestSeed.clientSecret),
                ])
            #expect(response.status == 200)
            let token = try response.decoded(FirecRESTWire.TokenResponse.self)
            #expect(token.token_type == "Bearer")
            #expect(token.expires_in == 300)
            #expect(!token.access_token.isEmpty)
        }
    }

    @Test func httpBasicWithTheSamePairIsAccepted() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let pair = Data("\(CSCSTestSeed.clientID):\(CSCSTestSeed.clientSecret)".utf8).base64EncodedString()
            let response = try await emulator.transport.send(
                HTTPRequest(
                    method: .post, url: emulator.url(Self.tokenPath),
                    headers: [
                        "Authorization": "Basic \(pair)", "Content-Type": "application/x-www-form-urlencoded",
                    ],
                    body: Data("grant_type=client_credentials".utf8)))
            #expect(response.status == 200)
        }
    }

    @Test func aWrongSecretIsRefusedWith401JSON() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let response = try await emulator.send(
                .post, Self.tokenPath,
                form: [
                    ("grant_type", "client_credentials"), ("client_id", CSCSTestSeed.clientID),
                    ("client_secret", "wrong"),
                ])
            #expect(response.status == 401)
            let body = try response.decoded([String: String].self)
            #expect(body["error"] == "unauthorized_client")
            #expect(body["error_description"]?.contains("Invalid client") == true)
        }
    }

    @Test func systemsAreCamelCaseWithServicesHealthAndTheVersionHeader() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let token = try await Self.token(emulator)
            let response = try await emulator.send(.get, "/hpc/firecrest/v2/status/systems", token: token)
            #expect(response.status == 200)
            #expect(response.headers["f7t-appversion"] == "2.5.1")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(
                text.contains("\"servicesHealth\"") && text.contains("\"serviceType\"")
                    && text.contains("\"fileSystems\""))
            let systems = try response.decoded(FirecRESTWire.Systems.self).systems
            #expect(systems.map(\.name) == ["daint", "eiger", "fsonly"])
            #expect(systems[0].servicesHealth.allSatisfy { $0.healthy })
            #expect(systems[0].scheduler.type == "slurm")
        }
    }

    @Test func withoutATokenFirecRESTAnswers401InItsErrorShape() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let response = try await emulator.send(.get, "/hpc/firecrest/v2/status/systems")
            #expect(response.status == 401)
            let body = try response.decoded(FirecRESTWire.ErrorBody.self)
            #expect(body.errorType == "authentication")
            #expect(!body.message.isEmpty)
            #expect(String(decoding: response.body, as: UTF8.self).contains("\"causedBy\":null"))
        }
    }

    @Test func userinfoHasStringIdsAndAccountsOnlyOnSlurmSystems() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let token = try await Self.token(emulator)
            let response = try await emulator.send(.get, "/hpc/firecrest/v2/status/daint/userinfo", token: token)
            #expect(response.status == 200)
            let info = try response.decoded(FirecRESTWire.UserInfo.self)
            #expect(info.user == FirecRESTWire.IdName(id: "21234", name: "amorales"))
            #expect(info.group == FirecRESTWire.IdName(id: "1000", name: "csstaff"))
            #expect(info.groups.map(\.name) == ["csstaff", "s1234"])
            #expect(
                info.accounts == [
                    FirecRESTWire.Account(name: "g42", default: false),
                    FirecRESTWire.Account(name: "s1234", default: true),
                ])
            let other = try await emulator.send(.get, "/hpc/firecrest/v2/status/fsonly/userinfo", token: token)
            #expect(String(decoding: other.body, as: UTF8.self).contains("\"accounts\":null"))
            let missing = try await emulator.send(.get, "/hpc/firecrest/v2/status/nowhere/userinfo", token: token)
            #expect(missing.status == 404)
        }
    }

    @Test func usageRecordsFollowTheFiltersAndTheCallersProjects() async throws {
        let seed = try Self.seed()
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        try await RunningEmulator.with(seed: seed) { emulator in
            let token = try await Self.token(emulator)
            let days = try await emulator.send(
                .get, "/alps-accounting/v2/compute/usage/day?from=\(year)-01-01&to=\(year)-12-31&account=s1234",
                token: token)
            #expect(days.status == 200)
            let records = try days.decoded(FirecRESTWire.ComputeUsage.self).compute
            let expected = (seed.cscs?.usage ?? []).filter { $0.account == "s1234" && $0.date.hasPrefix("\(year)-") }
            #expect(records.count == expected.count)
            #expect(records.map(\.cpuHours).reduce(0, +) == expected.map(\.cpu_hours).reduce(0, +))
            #expect(records.allSatisfy { $0.userId != "" && $0.account == "s1234" })

            // amorales is PI of s1234, not of g42: cdupont's g42 records are not theirs to see.
            let g42 = try await emulator.send(
                .get, "/alps-accounting/v2/compute/usage/month?from=\(year)-01&to=\(year)-12&account=g42", token: token)
            #expect(try g42.decoded(FirecRESTWire.ComputeUsage.self).compute.isEmpty)

            let months = try await emulator.send(
                .get,
                "/alps-accounting/v2/compute/usage/month?from=\(year)-01&to=\(year)-12&username=bkim&cluster=daint",
                token: token)
            let monthly = try months.decoded(FirecRESTWire.ComputeUsage.self).compute
            let bkim = expected.filter { $0.username == "bkim" && $0.cluster == "daint" }
            #expect(monthly.map(\.cpuHours).reduce(0, +) == bkim.map(\.cpu_hours).reduce(0, +))
            #expect(monthly.allSatisfy { $0.username == "bkim" && $0.cluster == "daint" })

            let bad = try await emulator.send(.get, "/alps-accounting/v2/compute/usage/day?from=2026", token: token)
            #expect(bad.status == 400)
            #expect(try bad.decoded(FirecRESTWire.ErrorBody.self).message.contains("from"))
        }
    }

    @Test func controlEndpointsMarkAServiceUnhealthyAddUsageAndChangeGroups() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let health = try await emulator.send(
                .post, "/_emulator/cscs/systems",
                json: Data(
                    #"{"name": "daint", "service": "scheduler", "healthy": false, "message": "slurmctld down"}"#.utf8))
            #expect(health.status == 200)
            let token = try await Self.token(emulator)
            let systems = try await emulator.send(.get, "/hpc/firecrest/v2/status/systems", token: token)
                .decoded(FirecRESTWire.Systems.self).systems
            let scheduler = systems.first { $0.name == "daint" }?.servicesHealth.first { $0.serviceType == "scheduler" }
            #expect(scheduler?.healthy == false)
            #expect(scheduler?.message == "slurmctld down")

            let added = try await emulator.send(
                .post, "/_emulator/cscs/usage",
                json: Data(
                    #"{"username": "bkim", "account": "s1234", "cluster": "daint", "date": "2026-02-02", "cpu_hours": 10}"#
                        .utf8))
            #expect(added.status == 200)
            #expect(await emulator.server.cscsState().usage.last?.cpu_hours == 10)
            let refused = try await emulator.send(
                .post, "/_emulator/cscs/usage",
                json: Data(
                    #"{"username": "nobody", "account": "s1234", "cluster": "daint", "date": "2026-02-02"}"#.utf8))
            #expect(refused.status == 422)

            let groups = try await emulator.send(
                .post, "/_emulator/cscs/users",
                json: Data(
                    #"{"name": "amorales", "groups": [{"name": "csstaff", "gid": 1000}, {"name": "g42", "gid": 31042}]}"#
                        .utf8))
            #expect(groups.status == 200)
            let info = try await emulator.send(.get, "/hpc/firecrest/v2/status/daint/userinfo", token: token)
                .decoded(FirecRESTWire.UserInfo.self)
            #expect(info.groups.map(\.name) == ["csstaff", "g42"])
        }
    }

    @Test func faultSwitchesApplyToCSCSInItsErrorShape() async throws {
        try await RunningEmulator.with(seed: Self.seed()) { emulator in
            let token = try await Self.token(emulator)
            await emulator.server.setFaults(FaultSettings(failRate: 1))
            let response = try await emulator.send(.get, "/hpc/firecrest/v2/status/systems", token: token)
            #expect(response.status == 503)
            #expect(try response.decoded(FirecRESTWire.ErrorBody.self).errorType == "error")
            #expect(response.headers["f7t-appversion"] == "2.5.1")
        }
    }

    @Test func theExampleSeedIsValid() throws {
        let seed = try EmulatorSeed.load(
            path: EmulatorSeedTests.repositoryRoot.appendingPathComponent("examples/cscs/emulator.yaml").path)
        #expect(seed.users.isEmpty)
        #expect(seed.cscs?.systems.map(\.name) == ["daint", "eiger", "cw-storage"])
        #expect(
            seed.cscs?.systems.first { $0.name == "daint" }?.services.map(\.type) == ["scheduler", "ssh", "filesystem"])
    }

    @Test func aSeedWithoutACSCSBlockStaysAsItWas() throws {
        let seed = try TestSeed.seed()
        #expect(seed.cscs == nil)
        let encoded = String(decoding: try JSONCoding.encoder.encode(seed), as: UTF8.self)
        #expect(!encoded.contains("cscs"))
    }

    @Test func oneEmulatorServesSFAPIAndCSCSAndSFAPIIsUnchanged() async throws {
        try await RunningEmulator.with(seed: Self.seed(sfapi: true)) { emulator in
            let groups = try await emulator.api(.get, "/account/groups", token: "dev-alice")
            #expect(groups.status == 200)
            let token = try await Self.token(emulator)
            // A CSCS token is not an SFAPI token, nor the other way round.
            #expect(try await emulator.api(.get, "/account/groups", token: token).status == 401)
            #expect(try await emulator.send(.get, "/hpc/firecrest/v2/status/systems", token: "dev-alice").status == 401)
            let state = try await emulator.send(.get, "/_emulator/state").decoded(EmulatorSeed.self)
            #expect(state.cscs?.users.count == 3)
            #expect(state.users.count == 5)
        }
    }
}

/// An emulated CSCS for tests (the same as TestSupport's, kept apart so the emulator's tests depend on nothing
/// of the client's side): amorales (client `teamctl-ci`) is PI of s1234, where bkim and cdupont work too;
/// cdupont also uses g42, which amorales cannot see. daint and eiger run Slurm; `fsonly` has no scheduler, so
/// userinfo there has `accounts: null`. Usage records fall this year (January and this month) and last December
/// (outside the allocation year).
enum CSCSTestSeed {
    static let clientID = "teamctl-ci"
    static let clientSecret = "cscs-Sx9q-secret-do-not-print"

    /// The seed YAML, with usage dated relative to `now` (UTC).
    static func yaml(now: Date = Date(), extraSFAPI: String = "") -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let year = calendar.component(.year, from: now)
        let month = String(format: "%02d", calendar.component(.month, from: now))
        return """
            \(extraSFAPI)
            cscs:
              clients:
                - {client_id: \(clientID), client_secret: \(clientSecret), user: amorales}
              systems:
                - name: daint
                - name: eiger
                - {name: fsonly, scheduler: none, services: [{type: filesystem, healthy: true}]}
              users:
                - name: amorales
                  uid: 21234
                  group: {name: csstaff, gid: 1000}
                  groups: [{name: csstaff, gid: 1000}, {name: s1234, gid: 31234}]
                  accounts: [g42, s1234]
                  default_account: s1234
                  pi_of: [s1234]
                - {name: bkim, uid: 21235, group: {name: s1234, gid: 31234}, accounts: [s1234]}
                - {name: cdupont, uid: 21236, group: {name: s1234, gid: 31234}, accounts: [s1234, g42]}
              usage:
                - {username: amorales, account: s1234, cluster: daint, date: "\(year)-01-05", node_hours: 2, cpu_hours: 576, job_count: 3}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year)-01-05", node_hours: 10.5, cpu_hours: 3024, job_count: 12}
                - {username: bkim, account: s1234, cluster: eiger, date: "\(year)-01-20", node_hours: 4, cpu_hours: 1024, job_count: 2}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year)-\(month)-01", node_hours: 1.25, cpu_hours: 360, job_count: 1}
                - {username: cdupont, account: s1234, cluster: daint, date: "\(year)-\(month)-01", node_hours: 3, cpu_hours: 864, job_count: 4}
                - {username: cdupont, account: g42, cluster: daint, date: "\(year)-\(month)-01", node_hours: 7, cpu_hours: 2016, job_count: 5}
                - {username: bkim, account: s1234, cluster: daint, date: "\(year - 1)-12-31", node_hours: 100, cpu_hours: 28800, job_count: 9}

            """
    }
}
