import ArgumentParser
import Foundation
import TeamSync

/// Where teamctl connects and with which credentials and cache; shared by every command that talks
/// to a facility or reads the cache. Flags win over `TEAMCTL_*` variables, which win over the
/// config profile, which wins over NERSC's production defaults.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).")
    var profile: String?

    @Option(help: "The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).")
    var apiURL: String?

    @Option(help: "The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).")
    var tokenURL: String?

    @Option(help: "The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).")
    var clientId: String?

    @Option(help: "The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).")
    var key: String?

    @Option(help: "The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).")
    var cache: String?

    @Option(help: "Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).")
    var concurrency: Int?

    @Flag(help: "Let a team's 'people:' file lie outside the team manifest's folder (for a team file you trust).")
    var peopleOutside = false

    @Option(
        help: ArgumentHelp(
            "Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).",
            valueName: "seconds"))
    var requestTimeout: String?

    @Option(
        help: ArgumentHelp(
            "The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).",
            valueName: "size"))
    var maxResponseBytes: String?

    /// The resolved settings; `manifestFacility` is the `facility:` of the manifest in play, if any.
    func settings(manifestFacility: String? = nil) throws -> ConnectionSettings {
        let environment = ProcessInfo.processInfo.environment
        let configPath = TeamctlConfig.defaultPath(environment: environment)
        return try ConnectionSettings.resolve(
            overrides: ConnectionOverrides(
                profile: profile, apiURL: apiURL, tokenURL: tokenURL, clientId: clientId, key: key, cache: cache,
                concurrency: concurrency, requestTimeout: requestTimeout, maxResponseBytes: maxResponseBytes),
            environment: environment, config: try TeamctlConfig.load(path: configPath), configPath: configPath,
            manifestFacility: manifestFacility)
    }

    /// Builds the live client, provider and cache opener.
    func makeContext(manifestFacility: String? = nil) throws -> TeamctlContext {
        TeamctlContext(settings: try settings(manifestFacility: manifestFacility))
    }
}
