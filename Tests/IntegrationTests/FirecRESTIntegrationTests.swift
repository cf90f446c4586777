import AccountModels
import FacilityEmulator
import Foundation
import TestSupport
import Testing

@testable import TeamSync

/// CSCS as a read-only back end, end to end: the real `teamctl` binary (or the real provider) against the emulated
/// FirecREST v2, Alps Accounting and Keycloak over loopback.
@Suite(.serialized)
struct FirecRESTIntegrationTests {
    /// An emulator with CSCS, a config with a `provider: firecrest` profile named `cscs`, its secret file (0600), a
    /// manifest for s1234 and a cache path, all in a fresh directory.
    struct Setup {
        let server: EmulatorServer
        let directory: String
        let secretFile: String
        let manifest: String
        let cache: String
        let seed: EmulatorSeed

        static func start() async throws -> Setup {
            let seed = try EmulatorSeed(yaml: CSCSTestSeed.yaml())
            let server = try await EmulatorServer.start(seed: seed)
            let directory = try RefreshFixture.tempDirectory()
            let secretFile = directory + "/cscs-secret"
            _ = FileManager.default.createFile(
                atPath: secretFile, contents: Data((CSCSTestSeed.clientSecret + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
            try FileManager.default.createDirectory(atPath: directory + "/teamctl", withIntermediateDirectories: true)
            let cache = directory + "/cache.sqlite"
            let config = """
                default_profile: cscs
                profiles:
                  cscs:
                    provider: firecrest
                    url: \(server.firecrestURL.absoluteString)
                    accounting_url: \(server.alpsAccountingURL.absoluteString)
                    token_url: \(server.cscsTokenURL.absoluteString)
                    client_id: \(CSCSTestSeed.clientID)
                    client_secret_file: \(secretFile)
                    system: daint
                    account: s1234
                    allocation_node_hours: 5000
                    cache: \(cache)

                """
            try config.write(toFile: directory + "/teamctl/config.yaml", atomically: true, encoding: .utf8)
            let manifest = directory + "/team.yaml"
            try """
            version: 1
            project: s1234
            facility: cscs
            members:
              amorales: {role: pi}
              bkim: {}
              dnew: {}

            """.write(toFile: manifest, atomically: true, encoding: .utf8)
            return Setup(
                server: server, directory: directory, secretFile: secretFile, manifest: manifest, cache: cache,
                seed: seed)
        }

        func teamctl(_ arguments: [String], environment: [String: String] = [:]) async throws -> (
            status: Int32, stdout: String, stderr: String
        ) {
            var extra = ["XDG_CONFIG_HOME": directory, "NO_COLOR": "1"]
            extra.merge(environment) { _, new in new }
            return try await RefreshFixture.runTeamctl(arguments, server: server, environment: extra)
        }

        var settings: FirecRESTSettings {
            FirecRESTSettings(
                url: server.firecrestURL, accountingURL: server.alpsAccountingURL, tokenURL: server.cscsTokenURL,
                clientID: CSCSTestSeed.clientID, clientSecretFile: secretFile, system: "daint", account: "s1234",
                allocationNodeHours: 5000)
        }
    }

    static func withSetup(_ body: (Setup) async throws -> Void) async throws {
        let setup = try await Setup.start()
        do {
            try await body(setup)
        } catch {
            await setup.server.shutdown()
            throw error
        }
        await setup.server.shutdown()
    }

    // MARK: Token

    @Test func theTokenSourceGetsATokenWithTheSecretAndNamesTheClientWhenRefused() async throws {
        try await Self.withSetup { setup in
            let transport = URLSessionTransport(maxConcurrent: 2)
            let good = FirecRESTTokenSource(
                clientID: CSCSTestSeed.clientID, tokenURL: setup.server.cscsTokenURL, transport: transport,
                retry: .none
            ) { FirecRESTClientSecret(CSCSTestSeed.clientSecret, origin: "test") }
            let token = try await good.accessToken(forceRenew: false)
            #expect(await setup.server.cscsIssuedTokens().contains(token))
            #expect(try await good.accessToken(forceRenew: false) == token)
            #expect(await good.fetchCount == 1)

            let bad = FirecRESTTokenSource(
                clientID: CSCSTestSeed.clientID, tokenURL: setup.server.cscsTokenURL, transport: transport,
                retry: .none
            ) { FirecRESTClientSecret("not-the-secret", origin: "the secret file") }
            let error = await #expect(throws: FirecRESTError.self) { try await bad.accessToken(forceRenew: false) }
            #expect(error?.status == 401)
            #expect(error?.description.contains(CSCSTestSeed.clientID) == true)
            #expect(error?.description.contains("not-the-secret") == false)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604])
    func aSecretFileOthersCanReadIsRefused(mode: Int) async throws {
        try await Self.withSetup { setup in
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: setup.secretFile)
            let run = try await setup.teamctl(["status"])
            #expect(run.status != 0)
            #expect(run.stderr.contains("has mode 0\(String(mode, radix: 8))"))
            #expect(run.stderr.contains("chmod 600 \(setup.secretFile)"))
            #expect(!(run.stdout + run.stderr).contains(CSCSTestSeed.clientSecret))
            // Nothing was asked of Keycloak with a secret others could read.
            #expect(await setup.server.requestLog().allSatisfy { $0.method == "GET" })
        }
    }

    @Test func theSecretMayComeFromTheEnvironmentInstead() async throws {
        try await Self.withSetup { setup in
            var config = try String(contentsOfFile: setup.directory + "/teamctl/config.yaml", encoding: .utf8)
            config = config.replacingOccurrences(of: "    client_secret_file: \(setup.secretFile)\n", with: "")
            try config.write(toFile: setup.directory + "/teamctl/config.yaml", atomically: true, encoding: .utf8)
            let missing = try await setup.teamctl(["status"], environment: [FirecRESTSettings.secretVariable: ""])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains(FirecRESTSettings.secretVariable))
            let run = try await setup.teamctl(
                ["status"], environment: [FirecRESTSettings.secretVariable: CSCSTestSeed.clientSecret])
            #expect(run.status == 0, "\(run.stderr)")
        }
    }

    // MARK: Status

    @Test func statusShowsTheSystemsAndYourGroupsAndAccounts() async throws {
        try await Self.withSetup { setup in
            let run = try await setup.teamctl(["status"])
            #expect(run.status == 0, "\(run.stderr)")
            let out = run.stdout
            #expect(out.contains("daint") && out.contains("eiger") && out.contains("healthy"))
            #expect(out.contains("you on daint: amorales (uid 21234)"))
            #expect(out.contains("primary group: csstaff (gid 1000)"))
            #expect(out.contains("groups: csstaff (1000), s1234 (31234)"))
            #expect(out.contains("accounts: g42, s1234 (default)"))
            #expect(out.contains("the account system (daint) is active"))

            // A change of groups at CSCS shows on the next run.
            try await setup.server.setCSCSUser("amorales", groups: [.init(name: "csstaff", gid: 1000)])
            let again = try await setup.teamctl(["status"])
            #expect(again.stdout.contains("groups: csstaff (1000)\n"))
        }
    }

    @Test func doctorChecksTheSecretAndTheSystem() async throws {
        try await Self.withSetup { setup in
            let run = try await setup.teamctl(["doctor"])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(
                run.stdout.contains(
                    "client \(CSCSTestSeed.clientID), client secret from \(setup.secretFile) (not shown)"))
            #expect(run.stdout.contains("daint is healthy"))
        }
    }

    @Test func refreshStoresTheCallersGroupsAndAccountsAndWhoHasUsage() async throws {
        try await Self.withSetup { setup in
            let run = try await setup.teamctl(["refresh", "-f", setup.manifest])
            #expect(run.status == 0, "\(run.stderr)")
            let cache = try AccountCache(path: setup.cache)
            let stored = try #require(
                try cache.latestPayload(FirecRESTSnapshot.self, facility: "cscs", provider: "firecrest"))
            #expect(stored.caller == "amorales")
            #expect(stored.payload.caller.groups.map(\.name) == ["csstaff", "s1234"])
            #expect(stored.payload.caller.accounts == ["g42", "s1234"])
            #expect(stored.payload.caller.defaultAccount == "s1234")
            #expect(stored.payload.usersWithUsage["s1234"] == ["amorales", "bkim", "cdupont"])
        }
    }

    @Test func aPlanIsManualItemsForTheCSCSPortal() async throws {
        try await Self.withSetup { setup in
            let out = setup.directory + "/plan.json"
            let run = try await setup.teamctl(["plan", "-f", setup.manifest, "--out", out])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("CSCS account portal"))
            let plan = try TeamSync.Plan.load(from: Data(contentsOf: URL(fileURLWithPath: out)))
            #expect(plan.changes.isEmpty)
            #expect(Set(plan.manualItems.map(\.subject)).isSuperset(of: ["amorales", "bkim", "dnew"]))
            #expect(plan.manualItems.allSatisfy { !$0.verifiable && $0.where.contains("CSCS account portal") })
        }
    }

    /// CSCS manages projects at portal.cscs.ch since 1 April 2026 (account.cscs.ch is the older tool), with the roles
    /// Project administrator (PI), Project manager (deputy PI) and Project member: the stock example's plan says so,
    /// in text, JSON and Markdown alike.
    @Test func theExamplesPlanPointsAtPortalCSCSWithItsRoleNames() async throws {
        try await Self.withSetup { setup in
            let manifest = setup.directory + "/cscs-team.yaml"
            try FileManager.default.copyItem(
                atPath: TeamctlHarness.repoPath("examples/cscs/team.yaml"), toPath: manifest)
            let out = setup.directory + "/plan.json"
            let text = try await setup.teamctl(["plan", "-f", manifest, "--out", out])
            #expect(text.status == 0, "\(text.stderr)")
            let markdown = try await setup.teamctl(["plan", "-f", manifest, "--format", "markdown"])
            #expect(markdown.status == 0, "\(markdown.stderr)")
            // The Markdown writes the `:` of `https://` out (`https\://`): the Where column also holds a username,
            // and no facility text may form an autolink there.
            #expect(text.stdout.contains("https://portal.cscs.ch"), "\(text.stdout)")
            #expect(markdown.stdout.contains(#"https\://portal.cscs.ch"#), "\(markdown.stdout)")
            for output in [text.stdout, markdown.stdout] {
                #expect(!output.contains("account.cscs.ch"), "\(output)")
                #expect(!output.contains("Deputy PI"), "\(output)")
            }
            let plan = try TeamSync.Plan.load(from: Data(contentsOf: URL(fileURLWithPath: out)))
            #expect(!plan.manualItems.isEmpty)
            #expect(plan.manualItems.allSatisfy { $0.where.contains("https://portal.cscs.ch") }, "\(plan.manualItems)")
            let roles = Dictionary(
                plan.manualItems.filter { $0.aspect == .roles }.map { ($0.subject, $0.action) },
                uniquingKeysWith: { $1 })
            #expect(roles["amorales"]?.contains("Project administrator") == true, "\(roles)")
            #expect(roles["bchen"]?.contains("Project manager") == true, "\(roles)")
        }
    }

    // MARK: The status gate

    @Test func anUnhealthySystemStopsApplyWithAMessageNamingItAndNothingIsWritten() async throws {
        try await Self.withSetup { setup in
            let control = try await URLSessionTransport(maxConcurrent: 1).send(
                HTTPRequest(
                    method: .post, url: setup.server.baseURL.appendingPathComponent("_emulator/cscs/systems"),
                    headers: ["Content-Type": "application/json"],
                    body: Data(
                        #"{"name": "daint", "service": "scheduler", "healthy": false, "message": "slurmctld not responding"}"#
                            .utf8)))
            #expect(control.status == 200)

            let apply = try await setup.teamctl(["apply", "-f", setup.manifest, "--yes"])
            #expect(apply.status != 0)
            #expect(apply.stderr.contains("CSCS system 'daint' is unavailable"))
            #expect(apply.stderr.contains("scheduler unhealthy (slurmctld not responding)"))
            let writes = await setup.server.requestLog().filter {
                $0.method != "GET" && !$0.path.hasSuffix("/openid-connect/token")
            }
            #expect(writes.isEmpty)

            let status = try await setup.teamctl(["status"])
            #expect(status.status == 3)
            #expect(status.stdout.contains("the account system (daint) is unavailable"))
            #expect(status.stdout.contains("scheduler unhealthy"))

            let provider = FirecRESTProvider(
                facility: "cscs", settings: setup.settings, transport: URLSessionTransport(maxConcurrent: 2))
            let gate = try await provider.accountSystemStatus()
            #expect(!gate.isActive)
            #expect(gate.notes == ["scheduler unhealthy (slurmctld not responding)"])
        }
    }

    @Test func aDryRunMayStillAskCSCSForAToken() async throws {
        try await Self.withSetup { setup in
            let run = try await setup.teamctl(["apply", "-f", setup.manifest, "--dry-run"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(await setup.server.requestLog().contains { $0.path.hasSuffix("/openid-connect/token") })
        }
    }

    // MARK: Two facilities

    /// One emulator serves NERSC (SFAPI) and CSCS; a team spans both. CSCS being down stops CSCS only.
    @Test func aTeamAtNERSCAndCSCSIsPlannedTogetherAndCSCSDownStopsOnlyCSCS() async throws {
        let seed = try EmulatorSeed(yaml: CSCSTestSeed.yaml(extraSFAPI: RefreshFixture.seedYAML()))
        let server = try await EmulatorServer.start(seed: seed)
        do {
            let directory = try RefreshFixture.tempDirectory()
            let secretFile = directory + "/cscs-secret"
            _ = FileManager.default.createFile(
                atPath: secretFile, contents: Data(CSCSTestSeed.clientSecret.utf8),
                attributes: [.posixPermissions: 0o600])
            try FileManager.default.createDirectory(atPath: directory + "/teamctl", withIntermediateDirectories: true)
            try """
            profiles:
              nersc:
                api_url: \(server.apiBaseURL.absoluteString)
                token_url: \(server.tokenURL.absoluteString)
                cache: \(directory)/nersc.sqlite
              cscs:
                provider: firecrest
                url: \(server.firecrestURL.absoluteString)
                accounting_url: \(server.alpsAccountingURL.absoluteString)
                token_url: \(server.cscsTokenURL.absoluteString)
                client_id: \(CSCSTestSeed.clientID)
                client_secret_file: \(secretFile)
                system: daint
                cache: \(directory)/cscs.sqlite

            """.write(toFile: directory + "/teamctl/config.yaml", atomically: true, encoding: .utf8)
            try """
            version: 1
            people:
              alice: {name: Alice Liddell, accounts: {nersc: alice, cscs: amorales}}
              bob: {name: Bob Kim, accounts: {nersc: bob, cscs: bkim}}
              carol: {name: Carol Dupont, accounts: {nersc: carol, cscs: cdupont}}

            """.write(toFile: directory + "/people.yaml", atomically: true, encoding: .utf8)
            let team = directory + "/team.yaml"
            try """
            version: 2
            team: survey
            people: people.yaml
            facilities:
              nersc:
                project: m1234
                groups:
                  m1234g: {members: [alice, bob, carol]}
              cscs:
                project: s1234
            members:
              alice: {role: pi}
              bob: {}
              carol: {}

            """.write(toFile: team, atomically: true, encoding: .utf8)
            let environment = ["XDG_CONFIG_HOME": directory, "NO_COLOR": "1", "TEAMCTL_ACCESS_TOKEN": "dev-alice"]
            func teamctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
                try await RefreshFixture.runTeamctl(arguments, server: server, environment: environment)
            }

            let plan = try await teamctl(["plan", "-f", team])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("m1234g") && plan.stdout.contains("carol"), "\(plan.stdout)")
            #expect(plan.stdout.contains("cdupont: add to project s1234"), "\(plan.stdout)")
            #expect(plan.stdout.contains("CSCS account portal"), "\(plan.stdout)")

            try await server.setCSCSHealth(system: "daint", service: "ssh", healthy: false, message: "no login node")
            let apply = try await teamctl(["apply", "-f", team, "--yes"])
            #expect(apply.status != 0, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stderr.contains("CSCS system 'daint' is unavailable"), "\(apply.stderr)")
            #expect(apply.stderr.contains("ssh unhealthy (no login node)"), "\(apply.stderr)")
            let groups = await server.stateSnapshot().groups
            #expect(groups.first { $0.name == "m1234g" }?.members.contains("carol") == true, "nersc was not applied")
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    // MARK: Usage

    @Test func usagePerPersonIsTheSumOfTheAlpsRecordsThisYear() async throws {
        try await Self.withSetup { setup in
            let provider = FirecRESTProvider(
                facility: "cscs", settings: setup.settings, transport: URLSessionTransport(maxConcurrent: 2))
            let cache = try AccountCache(path: setup.cache)
            try await provider.refreshUsage(projects: [], cache: cache)
            let observation = try #require(try provider.usageHistory(cache: cache).last)
            let project = try #require(observation.projects.first { $0.name == "s1234" })

            let year = String(Calendar(identifier: .gregorian).component(.year, from: Date()))
            let records = (setup.seed.cscs?.usage ?? []).filter {
                $0.account == "s1234" && $0.date.hasPrefix(year + "-")
            }
            var expected: [String: Double] = [:]
            for record in records { expected[record.username, default: 0] += record.cpu_hours }
            #expect(project.members.count == expected.count)
            for member in project.members {
                #expect(member.cpuUsed == expected[member.user], "\(member.user)")
            }
            #expect(project.cpu.projectUsed == records.map(\.cpu_hours).reduce(0, +))
            #expect(project.cpu.callerUsed == expected["amorales"])
            let nodeHours = records.map(\.node_hours).reduce(0, +)
            #expect(project.description.contains("\(FirecRESTSnapshot.hours(nodeHours)) node hours used of 5000"))
            #expect(observation.caller == "amorales")

            // A record added at CSCS shows on the next reading.
            let month = String(format: "%02d", Calendar(identifier: .gregorian).component(.month, from: Date()))
            try await setup.server.addCSCSUsage(
                .init(
                    username: "bkim", account: "s1234", cluster: "daint", date: "\(year)-\(month)-02", node_hours: 1,
                    cpu_hours: 288))
            try await provider.refreshUsage(projects: ["s1234"], cache: cache)
            let later = try #require(try provider.usageHistory(cache: cache).last?.projects.first)
            #expect(later.members.first { $0.user == "bkim" }?.cpuUsed == (expected["bkim"] ?? 0) + 288)
        }
    }

    // MARK: Secrets

    @Test func neitherTheSecretNorATokenAppearsInOutputOrTheCache() async throws {
        try await Self.withSetup { setup in
            let plan = setup.directory + "/plan.json"
            var outputs: [(String, String)] = []
            for arguments in [
                ["status"], ["refresh", "-f", setup.manifest], ["plan", "-f", setup.manifest, "--out", plan],
                ["plan", "-f", setup.manifest, "--format", "json"], ["apply", "-f", setup.manifest, "--yes"],
                ["apply", plan, "--yes"], ["usage", "--refresh"], ["usage", "--format", "json"], ["history"],
                ["doctor"],
            ] {
                let run = try await setup.teamctl(arguments)
                outputs.append(("stdout of \(arguments)", run.stdout))
                outputs.append(("stderr of \(arguments)", run.stderr))
            }
            let tokens = await setup.server.cscsIssuedTokens()
            #expect(!tokens.isEmpty)
            var files = [setup.cache, plan]
            files += ["-wal", "-shm"].map { setup.cache + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
            for file in files {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                outputs.append((file, String(decoding: bytes, as: UTF8.self)))
            }
            for (place, text) in outputs {
                #expect(!text.contains(CSCSTestSeed.clientSecret), "the client secret is in \(place)")
                for token in tokens { #expect(!text.contains(token), "a token is in \(place)") }
            }
        }
    }
}
