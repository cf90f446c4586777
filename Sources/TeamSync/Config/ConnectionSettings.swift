import Foundation

/// Settings given on the command line; nil means "not given".
public struct ConnectionOverrides: Sendable, Hashable {
    public var profile: String?
    public var apiURL: String?
    public var tokenURL: String?
    public var clientId: String?
    public var key: String?
    public var cache: String?
    public var concurrency: Int?
    /// `--request-timeout`: seconds one request may take, connect to last byte.
    public var requestTimeout: String?
    /// `--max-response-bytes`: the largest answer accepted (`67108864`, `64MiB`).
    public var maxResponseBytes: String?

    /// Creates overrides.
    public init(
        profile: String? = nil, apiURL: String? = nil, tokenURL: String? = nil, clientId: String? = nil,
        key: String? = nil, cache: String? = nil, concurrency: Int? = nil, requestTimeout: String? = nil,
        maxResponseBytes: String? = nil
    ) {
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.profile = profile
        self.apiURL = apiURL
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.key = key
        self.cache = cache
        self.concurrency = concurrency
    }
}

/// Where teamctl connects and with what, resolved from flags, then `TEAMCTL_*` variables, then the
/// config profile, then NERSC's production defaults.
public struct ConnectionSettings: Sendable, Hashable, CustomStringConvertible {
    /// NERSC's production API.
    public static let defaultAPIURL = "https://api.nersc.gov/api/v1.2"
    /// NERSC's production token endpoint.
    public static let defaultTokenURL = "https://oidc.nersc.gov/c2id/token"
    /// Requests in flight at once, by default.
    public static let defaultConcurrency = 8

    /// The profile (facility) name; snapshots are stored under it.
    public var profile: String
    public var apiURL: URL
    public var tokenURL: URL
    public var clientId: String?
    /// A key file path or a name to look up in `~/.superfacility/`.
    public var key: String?
    public var cachePath: String
    public var concurrency: Int
    /// The deadline and size bound every request keeps (`request_timeout`, `max_response_bytes`).
    public var limits: TransportLimits = .default
    /// An access token from `TEAMCTL_ACCESS_TOKEN`; never printed.
    public var accessToken: String?
    /// The Slurm accounting settings, for a profile with `provider: slurm`; nil for SFAPI.
    public var slurm: SlurmSettings?
    /// The CSCS settings, for a profile with `provider: firecrest`; nil otherwise.
    public var firecrest: FirecRESTSettings?

    /// Settings given directly, e.g. for `teamctl demo` or tests against an emulator.
    public init(
        profile: String, apiURL: URL, tokenURL: URL, clientId: String? = nil, key: String? = nil, cachePath: String,
        concurrency: Int = ConnectionSettings.defaultConcurrency, accessToken: String? = nil
    ) {
        self.profile = profile
        self.apiURL = apiURL
        self.tokenURL = tokenURL
        self.clientId = clientId
        self.key = key
        self.cachePath = cachePath
        self.concurrency = concurrency
        self.accessToken = accessToken
    }

    public var description: String {
        if let slurm { return "profile \(profile): \(slurm), cache \(cachePath)" }
        if let firecrest { return "profile \(profile): \(firecrest), cache \(cachePath)" }
        return "profile \(profile): api \(apiURL.absoluteString), token \(tokenURL.absoluteString), cache \(cachePath)"
            + (accessToken == nil ? "" : ", access token from TEAMCTL_ACCESS_TOKEN (not shown)")
    }

    /// Resolves settings. `manifestFacility` is the `facility:` of the manifest being worked on, if any.
    public static func resolve(
        overrides: ConnectionOverrides, environment: [String: String], config: TeamctlConfig,
        configPath: String, manifestFacility: String? = nil
    ) throws -> ConnectionSettings {
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let profileName =
            overrides.profile ?? env("TEAMCTL_PROFILE") ?? manifestFacility ?? config.default_profile
            ?? "nersc"
        let profile: TeamctlConfig.Profile
        if let found = config.profiles[profileName] {
            profile = found
        } else if overrides.profile != nil || env("TEAMCTL_PROFILE") != nil
            || (manifestFacility != nil && !config.profiles.isEmpty)
        {
            throw ConfigError.unknownProfile(name: profileName, path: configPath, known: Array(config.profiles.keys))
        } else {
            profile = TeamctlConfig.Profile()
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path

        let apiText = overrides.apiURL ?? env("TEAMCTL_API_URL") ?? profile.api_url ?? defaultAPIURL
        let tokenText = overrides.tokenURL ?? env("TEAMCTL_TOKEN_URL") ?? profile.token_url ?? defaultTokenURL
        let cache =
            overrides.cache ?? env("TEAMCTL_CACHE") ?? profile.cache
            ?? AccountCache.defaultPath(environment: environment)
        let concurrencyText = overrides.concurrency.map(String.init) ?? env("TEAMCTL_CONCURRENCY")
        let concurrency: Int
        if let concurrencyText {
            guard let value = Int(concurrencyText), (1...256).contains(value) else {
                throw ConfigError.invalidValue(setting: "--concurrency", value: concurrencyText, expected: "1 to 256")
            }
            concurrency = value
        } else {
            concurrency = profile.concurrency ?? defaultConcurrency
        }
        let limits = try transportLimits(
            overrides: overrides, environment: env, profile: profile, key: "profiles.\(profileName)", in: configPath)
        var slurm: SlurmSettings?
        var firecrest: FirecRESTSettings?
        switch profile.provider?.lowercased() {
        case nil, "sfapi": break
        case "slurm":
            slurm = try SlurmSettings(profile: profile, name: profileName, configPath: configPath, home: home)
        case "firecrest":
            firecrest = try FirecRESTSettings(profile: profile, name: profileName, configPath: configPath, home: home)
        case let other?:
            throw ConfigError.invalidValue(
                setting: "profiles.\(profileName).provider in \(configPath)", value: other,
                expected: "sfapi, slurm or firecrest")
        }
        var settings = ConnectionSettings(
            profile: profileName,
            apiURL: try checkedURL(apiText, setting: "the API URL (--api-url)"),
            tokenURL: try checkedURL(tokenText, setting: "the token URL (--token-url)"),
            clientId: overrides.clientId ?? env("TEAMCTL_CLIENT_ID") ?? profile.client_id,
            key: (overrides.key ?? env("TEAMCTL_KEY") ?? profile.key).map { KeyFile.expandTilde($0, home: home) },
            cachePath: KeyFile.expandTilde(cache, home: home),
            concurrency: concurrency,
            accessToken: env("TEAMCTL_ACCESS_TOKEN"))
        settings.slurm = slurm
        settings.limits = limits
        if let firecrest {
            // The token URL is CSCS's Keycloak: the one POST a dry run lets through.
            settings.tokenURL = firecrest.tokenURL
            settings.firecrest = firecrest
        }
        return settings
    }

    /// The range `request_timeout` may take, in seconds.
    public static let requestTimeoutRange: ClosedRange<Double> = 1...3600
    /// The range `max_response_bytes` may take.
    public static let maxResponseBytesRange: ClosedRange<Int> = 64 * 1024...4 * 1024 * 1024 * 1024

    /// The request deadline and answer bound: flag, then `TEAMCTL_REQUEST_TIMEOUT` / `TEAMCTL_MAX_RESPONSE_BYTES`,
    /// then the profile's `request_timeout` / `max_response_bytes`, then the defaults. An error names where the value
    /// came from and what it may be.
    static func transportLimits(
        overrides: ConnectionOverrides, environment env: (String) -> String?, profile: TeamctlConfig.Profile,
        key: String, in configPath: String
    ) throws -> TransportLimits {
        var deadline = TransportLimits.defaultDeadline
        let timeoutSource: (String, String)? =
            overrides.requestTimeout.map { ("--request-timeout", $0) }
            ?? env("TEAMCTL_REQUEST_TIMEOUT").map { ("TEAMCTL_REQUEST_TIMEOUT", $0) }
            ?? profile.request_timeout.map { ("\(key).request_timeout in \(configPath)", $0.text) }
        if let (setting, text) = timeoutSource {
            guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite,
                requestTimeoutRange.contains(seconds)
            else {
                throw ConfigError.invalidValue(
                    setting: setting, value: text,
                    expected:
                        "seconds, from \(Int(requestTimeoutRange.lowerBound)) to \(Int(requestTimeoutRange.upperBound))"
                )
            }
            deadline = seconds
        }
        var maxBytes = TransportLimits.defaultMaxResponseBytes
        let bytesSource: (String, String)? =
            overrides.maxResponseBytes.map { ("--max-response-bytes", $0) }
            ?? env("TEAMCTL_MAX_RESPONSE_BYTES").map { ("TEAMCTL_MAX_RESPONSE_BYTES", $0) }
            ?? profile.max_response_bytes.map { ("\(key).max_response_bytes in \(configPath)", $0.text) }
        if let (setting, text) = bytesSource {
            guard let bytes = ByteCount.parse(text), maxResponseBytesRange.contains(bytes) else {
                throw ConfigError.invalidValue(
                    setting: setting, value: text,
                    expected: "a size from 64KiB to 4GiB, in bytes or with a unit (KiB, MiB, GiB), e.g. 128MiB")
            }
            maxBytes = bytes
        }
        return TransportLimits(deadline: deadline, maxResponseBytes: maxBytes)
    }

    /// Parses a URL and refuses plain `http://` to anything but loopback (127.0.0.0/8, localhost, ::1).
    public static func checkedURL(_ text: String, setting: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { throw ConfigError.invalidURL(setting: setting, value: text) }
        switch scheme {
        case "https": return url
        case "http":
            guard isLoopback(host: host) else { throw ConfigError.insecureURL(setting: setting, value: text) }
            return url
        default: throw ConfigError.invalidURL(setting: setting, value: text)
        }
    }

    /// Whether a host name or address is loopback.
    public static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}

/// Where and how teamctl reaches a Slurm accounting database: slurmrestd (`url`) or the local sacctmgr
/// (`sacctmgr`), or both (slurmrestd, with sacctmgr for what its version cannot do).
public struct SlurmSettings: Sendable, Hashable, CustomStringConvertible {
    /// The cluster every call acts on.
    public var cluster: String
    /// slurmrestd's base URL.
    public var url: URL?
    /// The user slurmrestd acts as, and the caller's name; nil: the Unix user.
    public var user: String?
    /// The JWT file (mode 0600); nil: `SLURM_JWT`.
    public var tokenFile: String?
    /// The REST version to speak; nil: detected.
    public var apiVersion: SlurmRESTVersion?
    /// The sacctmgr executable.
    public var sacctmgr: String?

    /// Creates settings directly.
    public init(
        cluster: String, url: URL? = nil, user: String? = nil, tokenFile: String? = nil,
        apiVersion: SlurmRESTVersion? = nil, sacctmgr: String? = nil
    ) {
        self.cluster = cluster
        self.url = url
        self.user = user
        self.tokenFile = tokenFile
        self.apiVersion = apiVersion
        self.sacctmgr = sacctmgr
    }

    /// Reads a `provider: slurm` profile, saying which key to fix when one is missing or wrong.
    init(profile: TeamctlConfig.Profile, name: String, configPath: String, home: String) throws {
        func key(_ key: String) -> String { "profiles.\(name).\(key) in \(configPath)" }
        guard let cluster = profile.cluster?.trimmingCharacters(in: .whitespaces), !cluster.isEmpty else {
            throw ConfigError.invalidValue(
                setting: key("cluster"), value: "", expected: "the Slurm cluster name (sacctmgr show cluster)")
        }
        guard profile.url != nil || profile.sacctmgr != nil else {
            throw ConfigError.invalidValue(
                setting: key("url") + " or " + key("sacctmgr"), value: "",
                expected: "slurmrestd's URL, or the path of sacctmgr")
        }
        self.cluster = cluster.lowercased()
        self.url = try profile.url.map { try ConnectionSettings.checkedURL($0, setting: key("url")) }
        self.user = profile.user
        self.tokenFile = profile.token_file.map { KeyFile.expandTilde($0, home: home) }
        if let text = profile.api_version {
            guard let version = SlurmRESTVersion(apiVersion: text) else {
                throw ConfigError.invalidValue(
                    setting: key("api_version"), value: text,
                    expected: SlurmRESTVersion.newestFirst.map(\.rawValue).joined(separator: ", "))
            }
            self.apiVersion = version
        }
        self.sacctmgr = profile.sacctmgr.map { KeyFile.expandTilde($0, home: home) }
    }

    public var description: String {
        var parts = ["slurm cluster \(cluster)"]
        if let url { parts.append("slurmrestd \(url.absoluteString)" + (apiVersion.map { " \($0.rawValue)" } ?? "")) }
        if let sacctmgr { parts.append("sacctmgr \(sacctmgr)") }
        if let tokenFile { parts.append("token file \(tokenFile) (not shown)") }
        return parts.joined(separator: ", ")
    }
}
