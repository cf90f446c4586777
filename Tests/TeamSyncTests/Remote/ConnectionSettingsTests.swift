import Foundation
import Testing

@testable import TeamSync

struct ConnectionSettingsTests {
    let config = TeamctlConfig(
        default_profile: "nersc",
        profiles: [
            "nersc": .init(api_url: "https://api.nersc.gov/api/v1.2", client_id: "ABCDEFGHIJKLM", concurrency: 4),
            "local": .init(api_url: "http://127.0.0.1:8080/api/v1.2", token_url: "http://localhost:8080/oauth2/token"),
        ])

    func resolve(
        _ overrides: ConnectionOverrides = .init(), env: [String: String] = ["HOME": "/home/pi"],
        manifestFacility: String? = nil
    ) throws -> ConnectionSettings {
        try ConnectionSettings.resolve(
            overrides: overrides, environment: env, config: config, configPath: "/home/pi/.config/teamctl/config.yaml",
            manifestFacility: manifestFacility)
    }

    @Test func defaultsAreNERSCProduction() throws {
        let settings = try ConnectionSettings.resolve(
            overrides: .init(), environment: ["HOME": "/home/pi"], config: TeamctlConfig(), configPath: "/x")
        #expect(settings.apiURL.absoluteString == "https://api.nersc.gov/api/v1.2")
        #expect(settings.tokenURL.absoluteString == "https://oidc.nersc.gov/c2id/token")
        #expect(settings.cachePath == "/home/pi/.local/share/teamctl/cache.sqlite")
        #expect(settings.concurrency == 8)
        #expect(settings.profile == "nersc")
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheProfile() throws {
        let env = ["HOME": "/home/pi", "TEAMCTL_CLIENT_ID": "FROMENVIRONMT", "TEAMCTL_CONCURRENCY": "2"]
        #expect(try resolve(env: env).clientId == "FROMENVIRONMT")
        #expect(try resolve(env: env).concurrency == 2)
        #expect(try resolve(.init(clientId: "FROMTHEFLAGSS"), env: env).clientId == "FROMTHEFLAGSS")
        #expect(try resolve().clientId == "ABCDEFGHIJKLM")
        #expect(try resolve().concurrency == 4)
    }

    @Test func aManifestsFacilityChoosesTheProfile() throws {
        let settings = try resolve(manifestFacility: "local")
        #expect(settings.profile == "local")
        #expect(settings.apiURL.port == 8080)
        #expect(throws: ConfigError.self) { try resolve(manifestFacility: "olcf") }
    }

    @Test(arguments: ["http://api.nersc.gov/api/v1.2", "http://10.0.0.1/api", "http://128.0.0.1/x"])
    func plainHTTPToARemoteHostIsRefused(url: String) throws {
        #expect(throws: ConfigError.self) { try resolve(.init(apiURL: url)) }
    }

    @Test(arguments: ["http://127.0.0.1:9/api", "http://127.1.2.3/api", "http://localhost:1/a", "http://[::1]:8/a"])
    func plainHTTPToLoopbackIsAllowed(url: String) throws {
        #expect(try resolve(.init(apiURL: url)).apiURL.absoluteString == url)
    }

    @Test func theAccessTokenIsNeverInTheDescription() throws {
        let settings = try resolve(env: ["HOME": "/h", "TEAMCTL_ACCESS_TOKEN": "very-secret"])
        #expect(settings.accessToken == "very-secret")
        #expect(!settings.description.contains("very-secret"))
    }

    @Test func readsProfilesFromXDGConfigHome() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/teamctl", withIntermediateDirectories: true)
        try "profiles:\n  dev:\n    api_url: https://api-dev.nersc.gov/api/v1.2\n".write(
            toFile: dir + "/teamctl/config.yaml", atomically: true, encoding: .utf8)
        let path = TeamctlConfig.defaultPath(environment: ["XDG_CONFIG_HOME": dir, "HOME": "/nowhere"])
        #expect(path == dir + "/teamctl/config.yaml")
        let loaded = try TeamctlConfig.load(path: path)
        #expect(loaded.profiles["dev"]?.api_url == "https://api-dev.nersc.gov/api/v1.2")
        #expect(TeamctlConfig.defaultPath(environment: ["HOME": "/home/pi"]) == "/home/pi/.config/teamctl/config.yaml")
    }
}
