import Foundation
import Testing

@testable import TeamSync

extension SlurmStacks {
    /// `SlurmRESTChannel` against Slurm 24.11's slurmrestd, once per data_parser version it serves. Skipped (with the
    /// reason) when the stack is not up, unless `TEAMCTL_SLURM_REQUIRED` is set, where a missing stack fails.
    @Suite(
        "slurmrestd on Slurm 24.11", .stackLock("24.11"),
        .enabled("the Slurm 24.11 stack is not up: run scripts/slurm-stack up 24.11") {
            await RESTStack.shouldRun("24.11")
        })
    struct REST2411Tests {
        @Test func detectsTheNewestVersionOffered() async throws {
            let stack = try RESTStack.require("24.11")
            let channel = try await SlurmRESTChannel.connect(
                baseURL: stack.restURL, cluster: stack.cluster, userName: "root",
                token: SlurmJWTSource(token: try stack.token(for: "root")))
            #expect(channel.version == .v0_0_42)
            #expect(channel.channelDescription == "slurmrestd v0.0.42")
        }

        @Test(arguments: RESTCase.slurm2411) func speaksAForcedVersion(_ testCase: RESTCase) async throws {
            let stack = try RESTStack.require(testCase.stack)
            let channel = try await SlurmRESTChannel.connect(
                baseURL: stack.restURL, cluster: stack.cluster, userName: "root",
                token: SlurmJWTSource(token: try stack.token(for: "root")),
                apiVersion: SlurmRESTVersion(apiVersion: testCase.api.rawValue))
            #expect(channel.channelDescription == "slurmrestd \(testCase.api.rawValue)")
            try await channel.ping()
        }

        @Test(arguments: RESTCase.slurm2411) func readsAnAccountInTwoRequests(_ testCase: RESTCase) async throws {
            try await RESTScenarios.readsAnAccountInTwoRequests(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func addsUsersWithQOSAndLimits(_ testCase: RESTCase) async throws {
            try await RESTScenarios.addsUsersWithQOSAndLimits(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func changesKeepTheOtherLimits(_ testCase: RESTCase) async throws {
            try await RESTScenarios.changesKeepTheOtherLimits(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func changesSeveralAssociationsInOneWrite(_ testCase: RESTCase)
            async throws
        {
            try await RESTScenarios.changesSeveralAssociationsInOneWrite(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func changesTheAccountsOwnAssociation(_ testCase: RESTCase) async throws {
            try await RESTScenarios.changesTheAccountsOwnAssociation(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func managesCoordinators(_ testCase: RESTCase) async throws {
            try await RESTScenarios.managesCoordinators(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func removesAUserOnceTheDefaultMoved(_ testCase: RESTCase) async throws {
            try await RESTScenarios.removesAUserOnceTheDefaultMoved(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func reportsAnUnknownQOS(_ testCase: RESTCase) async throws {
            try await RESTScenarios.reportsAnUnknownQOS(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func actsAsACoordinator(_ testCase: RESTCase) async throws {
            try await RESTScenarios.actsAsACoordinator(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func refusesABadToken(_ testCase: RESTCase) async throws {
            try await RESTScenarios.refusesABadToken(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func dryRunSendsNoWrite(_ testCase: RESTCase) async throws {
            try await RESTScenarios.dryRunSendsNoWrite(testCase)
        }

        @Test(arguments: RESTCase.slurm2411) func reportsUsage(_ testCase: RESTCase) async throws {
            try await RESTScenarios.reportsUsage(testCase)
        }
    }
}

extension SlurmStacks {
    /// `SlurmRESTChannel` against Slurm 22.05's slurmrestd (`openapi/dbv0.0.38`). Skipped (with the reason) when the
    /// stack is not up, unless `TEAMCTL_SLURM_REQUIRED` is set, where a missing stack fails.
    @Suite(
        "slurmrestd on Slurm 22.05", .stackLock("22.05"),
        .enabled("the Slurm 22.05 stack is not up: run scripts/slurm-stack up 22.05") {
            await RESTStack.shouldRun("22.05")
        })
    struct REST2205Tests {
        @Test func detectsDbv0038() async throws {
            let stack = try RESTStack.require("22.05")
            let counter = CountingTransport()
            let channel = try await SlurmRESTChannel.connect(
                baseURL: stack.restURL, cluster: stack.cluster, userName: "root",
                token: SlurmJWTSource(token: try stack.token(for: "root")), transport: counter)
            #expect(channel.version == .dbv0_0_38)
            #expect(channel.channelDescription == "slurmrestd dbv0.0.38")
            #expect(counter.requests.last == "GET /slurmdb/v0.0.38/tres/")
        }

        @Test(arguments: RESTCase.slurm2205) func readsAnAccountInTwoRequests(_ testCase: RESTCase) async throws {
            try await RESTScenarios.readsAnAccountInTwoRequests(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func addsUsersWithQOSAndLimits(_ testCase: RESTCase) async throws {
            try await RESTScenarios.addsUsersWithQOSAndLimits(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func changesKeepTheOtherLimits(_ testCase: RESTCase) async throws {
            try await RESTScenarios.changesKeepTheOtherLimits(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func changesSeveralAssociationsInOneWrite(_ testCase: RESTCase)
            async throws
        {
            try await RESTScenarios.changesSeveralAssociationsInOneWrite(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func refusesAccountLevelChanges(_ testCase: RESTCase) async throws {
            try await RESTScenarios.changesTheAccountsOwnAssociation(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func managesCoordinators(_ testCase: RESTCase) async throws {
            try await RESTScenarios.managesCoordinators(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func removesAUserOnceTheDefaultMoved(_ testCase: RESTCase) async throws {
            try await RESTScenarios.removesAUserOnceTheDefaultMoved(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func reportsAnUnknownQOS(_ testCase: RESTCase) async throws {
            try await RESTScenarios.reportsAnUnknownQOS(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func actsAsACoordinator(_ testCase: RESTCase) async throws {
            try await RESTScenarios.actsAsACoordinator(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func refusesABadToken(_ testCase: RESTCase) async throws {
            try await RESTScenarios.refusesABadToken(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func dryRunSendsNoWrite(_ testCase: RESTCase) async throws {
            try await RESTScenarios.dryRunSendsNoWrite(testCase)
        }

        @Test(arguments: RESTCase.slurm2205) func reportsNoUsage(_ testCase: RESTCase) async throws {
            try await RESTScenarios.reportsUsage(testCase)
        }
    }
}

/// The parts that need no server: version names, the refusal of plain http to a remote host.
struct RESTChannelSetupTests {
    @Test(arguments: [
        ("v0.0.41", SlurmRESTVersion.v0_0_41), ("0.0.40", .v0_0_40), ("dbv0.0.38", .dbv0_0_38), ("v0.0.38", .dbv0_0_38),
        ("V0.0.42", .v0_0_42),
    ])
    func parsesVersionNames(_ text: String, _ expected: SlurmRESTVersion) {
        #expect(SlurmRESTVersion(apiVersion: text) == expected)
    }

    @Test func refusesUnknownVersionNames() {
        #expect(SlurmRESTVersion(apiVersion: "v0.0.39") == nil)
    }

    @Test func refusesPlainHTTPToARemoteHost() throws {
        #expect(throws: (any Error).self) {
            try SlurmRESTChannel(
                baseURL: URL(string: "http://slurm.example.org:6820")!, cluster: "test", userName: "root",
                token: SlurmJWTSource(token: "x"), apiVersion: .v0_0_41)
        }
        let loopback = try SlurmRESTChannel(
            baseURL: URL(string: "http://127.0.0.1:6820")!, cluster: "Test", userName: "root",
            token: SlurmJWTSource(token: "x"), apiVersion: .v0_0_41)
        #expect(loopback.cluster == "test")
        _ = try SlurmRESTChannel(
            baseURL: URL(string: "https://slurm.example.org")!, cluster: "test", userName: "root",
            token: SlurmJWTSource(token: "x"), apiVersion: .v0_0_41)
    }
}
