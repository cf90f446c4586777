import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// A `provider: firecrest` profile: defaults, errors naming the key and the config file, and what CSCS holds.
struct FirecRESTSettingsTests {
    static let path = "/home/pi/.config/teamctl/config.yaml"

    func resolve(_ profile: TeamctlConfig.Profile) throws -> ConnectionSettings {
        try ConnectionSettings.resolve(
            overrides: .init(), environment: ["HOME": "/home/pi"],
            config: TeamctlConfig(default_profile: "cscs", profiles: ["cscs": profile]), configPath: Self.path)
    }

    @Test func aMinimalProfileTakesCSCSsProductionURLs() throws {
        let settings = try resolve(
            .firecrest(clientID: "teamctl-s1234", clientSecretFile: "~/.config/teamctl/cscs-secret", system: "daint"))
        let firecrest = try #require(settings.firecrest)
        #expect(firecrest.url.absoluteString == "https://api.cscs.ch/hpc/firecrest/v2")
        #expect(firecrest.accountingURL.absoluteString == "https://api.cscs.ch/alps-accounting/v2")
        #expect(
            firecrest.tokenURL.absoluteString
                == "https://auth.cscs.ch/auth/realms/firecrest-clients/protocol/openid-connect/token")
        #expect(firecrest.clientSecretFile == "/home/pi/.config/teamctl/cscs-secret")
        // The one POST a dry run lets through is CSCS's token endpoint.
        #expect(settings.tokenURL == firecrest.tokenURL)
        #expect(settings.slurm == nil)
        #expect(settings.description.contains("(not shown)"))
    }

    @Test(arguments: [
        (TeamctlConfig.Profile.firecrest(clientID: "c", system: " "), "profiles.cscs.system in \(path)"),
        (TeamctlConfig.Profile.firecrest(clientID: "", system: "daint"), "profiles.cscs.client_id in \(path)"),
        (
            TeamctlConfig.Profile.firecrest(url: "http://api.cscs.ch/hpc/firecrest/v2", clientID: "c", system: "daint"),
            "profiles.cscs.url in \(path)"
        ),
        (
            TeamctlConfig.Profile.firecrest(accountingURL: "not a url", clientID: "c", system: "daint"),
            "profiles.cscs.accounting_url in \(path)"
        ),
    ])
    func aBadProfileNamesTheKeyAndTheFile(profile: TeamctlConfig.Profile, key: String) {
        let error = #expect(throws: ConfigError.self) { try resolve(profile) }
        #expect(error?.description.contains(key) == true, "\(String(describing: error))")
    }

    @Test func negativeAllocationsAreRefused() {
        var profile = TeamctlConfig.Profile.firecrest(clientID: "c", system: "daint")
        profile.allocation_node_hours = -1
        let error = #expect(throws: ConfigError.self) { try resolve(profile) }
        #expect(error?.description.contains("profiles.cscs.allocation_node_hours") == true)
    }

    @Test func anUnknownProviderListsFirecREST() {
        let error = #expect(throws: ConfigError.self) { try resolve(.init(provider: "ldap")) }
        #expect(error?.description.contains("sfapi, slurm or firecrest") == true)
    }

    @Test func cscsHoldsMembershipAndRolesAndTheProviderNeitherSeesNorWritesThem() {
        #expect(ProviderFactory.traits(provider: "firecrest").holds == [.roster, .roles])
        let settings = FirecRESTSettings(
            url: URL(string: "https://api.cscs.ch/hpc/firecrest/v2")!,
            accountingURL: URL(string: "https://api.cscs.ch/alps-accounting/v2")!,
            tokenURL: URL(string: "https://auth.cscs.ch/token")!, clientID: "c", system: "daint")
        let provider = FirecRESTProvider(
            facility: "cscs", settings: settings, transport: DryRunTransport(wrapping: URLSessionTransport()))
        #expect(provider.capabilities.treatment(of: .roster) == .acknowledgedItem)
        #expect(provider.capabilities.writable.isEmpty)
    }

    @Test func theSecretFileMustBeReadableByTheOwnerAlone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/secret"
        _ = FileManager.default.createFile(
            atPath: file, contents: Data("s3cr3t-value\n".utf8), attributes: [.posixPermissions: 0o644])
        let error = #expect(throws: FirecRESTError.self) {
            try FirecRESTClientSecret.load(file: file, environment: [:])
        }
        #expect(error?.description.contains("has mode 0644") == true)
        #expect(error?.description.contains("chmod 600 \(file)") == true)
        #expect(error?.description.contains("s3cr3t-value") == false)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let secret = try FirecRESTClientSecret.load(file: file, environment: [:])
        #expect(secret.secret == "s3cr3t-value")
        #expect(!"\(secret)".contains("s3cr3t-value"))
        try? FileManager.default.removeItem(atPath: directory)
    }
}
