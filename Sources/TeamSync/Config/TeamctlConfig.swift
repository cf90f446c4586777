import Foundation
import Yams

/// The user's teamctl configuration: named facility profiles, read from
/// `$XDG_CONFIG_HOME/teamctl/config.yaml` (`~/.config/teamctl/config.yaml` when unset).
///
/// ```yaml
/// default_profile: nersc
/// profiles:
///   nersc:
///     api_url: https://api.nersc.gov/api/v1.2
///     token_url: https://oidc.nersc.gov/c2id/token
///     client_id: ABCDEFGHIJKLM
///     key: ~/.superfacility/teamctl.pem
///     cache: ~/.local/share/teamctl/cache.sqlite
///     concurrency: 8
///     request_timeout: 60         # seconds one request may take, connect to last byte
///     max_response_bytes: 32MiB   # the largest answer accepted
///   frontier:                   # Slurm accounting over slurmrestd
///     provider: slurm
///     cluster: frontier
///     url: https://slurmrestd.example.org
///     user: pat
///     token_file: ~/.slurm/jwt
///     api_version: v0.0.41      # optional; detected when absent
///   frontier-cli:               # Slurm accounting over the local sacctmgr
///     provider: slurm
///     cluster: frontier
///     sacctmgr: /usr/bin/sacctmgr
///   cscs:                       # CSCS, read-only, over FirecREST v2 and the Alps Accounting API
///     provider: firecrest
///     url: https://api.cscs.ch/hpc/firecrest/v2
///     accounting_url: https://api.cscs.ch/alps-accounting/v2
///     token_url: https://auth.cscs.ch/auth/realms/firecrest-clients/protocol/openid-connect/token
///     client_id: teamctl-s1234
///     client_secret_file: ~/.config/teamctl/cscs-secret   # mode 0600; or TEAMCTL_FIRECREST_CLIENT_SECRET
///     system: daint
///     account: s1234
///     allocation_node_hours: 50000                      # optional: the portal's figure
/// ```
/// A manifest's `facility:` names a profile.
public struct TeamctlConfig: Sendable, Hashable, Codable {
    /// One facility's connection settings; every field optional.
    public struct Profile: Sendable, Hashable, Codable {
        public var api_url: String?
        public var token_url: String?
        public var client_id: String?
        public var key: String?
        public var cache: String?
        public var concurrency: Int?
        /// Seconds one request may take, from connecting to the last byte of the answer (default 60); any back end.
        public var request_timeout: ConfigScalar?
        /// The largest answer accepted, in bytes or with a unit (`64MiB`; default `32MiB`); any back end.
        public var max_response_bytes: ConfigScalar?
        /// The back end: `sfapi` (when absent), `slurm` or `firecrest`.
        public var provider: String?
        /// Slurm: the cluster name.
        public var cluster: String?
        /// Slurm: slurmrestd's base URL (the REST channel).
        public var url: String?
        /// Slurm: the user name sent to slurmrestd (and named as the caller); default: the Unix user.
        public var user: String?
        /// Slurm: a file (mode 0600) holding slurmrestd's JWT; when absent, `SLURM_JWT`.
        public var token_file: String?
        /// Slurm: the REST data_parser version, e.g. `v0.0.41`; default: detected from the server.
        public var api_version: String?
        /// Slurm: the sacctmgr executable (the sacctmgr channel), or a wrapper that behaves as it.
        public var sacctmgr: String?
        /// FirecREST: the Alps Accounting API's base URL (`url` is FirecREST's).
        public var accounting_url: String?
        /// FirecREST: a file (mode 0600) holding the OAuth client secret; when absent,
        /// `TEAMCTL_FIRECREST_CLIENT_SECRET`.
        public var client_secret_file: String?
        /// FirecREST: the system asked for status and userinfo, e.g. `daint`.
        public var system: String?
        /// FirecREST: the Slurm account (CSCS project) reported on, e.g. `s1234`.
        public var account: String?
        /// FirecREST: the account's allocation in node hours (the portal shows it; no API does).
        public var allocation_node_hours: Double?
        /// FirecREST: the account's allocation in CPU hours, when stated that way.
        public var allocation_cpu_hours: Double?

        /// Creates a profile.
        public init(
            api_url: String? = nil, token_url: String? = nil, client_id: String? = nil, key: String? = nil,
            cache: String? = nil, concurrency: Int? = nil, provider: String? = nil, cluster: String? = nil,
            url: String? = nil, user: String? = nil, token_file: String? = nil, api_version: String? = nil,
            sacctmgr: String? = nil
        ) {
            self.api_url = api_url
            self.token_url = token_url
            self.client_id = client_id
            self.key = key
            self.cache = cache
            self.concurrency = concurrency
            self.provider = provider
            self.cluster = cluster
            self.url = url
            self.user = user
            self.token_file = token_file
            self.api_version = api_version
            self.sacctmgr = sacctmgr
        }

        /// Creates a `provider: firecrest` profile.
        public static func firecrest(
            url: String? = nil, accountingURL: String? = nil, tokenURL: String? = nil, clientID: String,
            clientSecretFile: String? = nil, system: String, account: String? = nil, cache: String? = nil
        ) -> Profile {
            var profile = Profile(
                token_url: tokenURL, client_id: clientID, cache: cache, provider: "firecrest", url: url)
            profile.accounting_url = accountingURL
            profile.client_secret_file = clientSecretFile
            profile.system = system
            profile.account = account
            return profile
        }
    }

    /// The profile used when none is named; `nersc` when unset.
    public var default_profile: String?
    /// Profiles by name.
    public var profiles: [String: Profile]

    /// Creates a configuration.
    public init(default_profile: String? = nil, profiles: [String: Profile] = [:]) {
        self.default_profile = default_profile
        self.profiles = profiles
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        default_profile = try container.decodeIfPresent(String.self, forKey: .default_profile)
        profiles = try container.decodeIfPresent([String: Profile].self, forKey: .profiles) ?? [:]
    }

    /// The config file's path under the XDG rules.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("teamctl/config.yaml")
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return (home as NSString).appendingPathComponent(".config/teamctl/config.yaml")
    }

    /// Reads the config file; an absent file is an empty configuration.
    public static func load(environment: [String: String]) throws -> TeamctlConfig {
        try load(path: defaultPath(environment: environment))
    }

    /// Reads a config file; an absent file is an empty configuration.
    public static func load(path: String) throws -> TeamctlConfig {
        guard FileManager.default.fileExists(atPath: path) else { return TeamctlConfig() }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return TeamctlConfig() }
            return try YAMLDecoder().decode(TeamctlConfig.self, from: text)
        } catch {
            throw ConfigError.unreadableConfig(path: path, reason: "\(error)")
        }
    }
}

/// A config value written as a number or as text (`60`, `64MiB`), kept as the text the user wrote.
public struct ConfigScalar: Sendable, Hashable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The value as written.
    public var text: String

    /// A value from its text.
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { text = value }
    public init(integerLiteral value: Int) { text = String(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// A number of bytes as a user writes it: `67108864`, `64MiB`, `512KiB`, `1GiB` (`K`, `M`, `G` alone are binary too;
/// `KB`, `MB`, `GB` decimal).
public enum ByteCount {
    /// The number of bytes `text` says, or nil when it is not a size.
    public static func parse(_ text: String) -> Int? {
        guard let match = text.wholeMatch(of: /\s*([0-9]+)\s*([A-Za-z]*)\s*/) else { return nil }
        guard let number = Int(match.output.1) else { return nil }
        let unit: Int
        switch match.output.2.lowercased() {
        case "", "b": unit = 1
        case "k", "kib": unit = 1 << 10
        case "m", "mib": unit = 1 << 20
        case "g", "gib": unit = 1 << 30
        case "kb": unit = 1000
        case "mb": unit = 1_000_000
        case "gb": unit = 1_000_000_000
        default: return nil
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }
}

/// Why teamctl's connection settings are unusable.
public enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The config file is not valid YAML of the expected shape.
    case unreadableConfig(path: String, reason: String)
    /// A profile was named that the config file does not define.
    case unknownProfile(name: String, path: String, known: [String])
    /// A URL is not a URL.
    case invalidURL(setting: String, value: String)
    /// A plain `http://` URL to a host that is not loopback.
    case insecureURL(setting: String, value: String)
    /// A setting has a value out of range.
    case invalidValue(setting: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unreadableConfig(let path, let reason): return "cannot read the config file \(path): \(reason)"
        case .unknownProfile(let name, let path, let known):
            let list = known.isEmpty ? "it defines none" : "it defines \(known.sorted().joined(separator: ", "))"
            return
                "no profile '\(name)' in \(path) (\(list)); add it under 'profiles:' or choose another with --profile"
        case .invalidURL(let setting, let value): return "\(setting) '\(value)' is not a URL"
        case .insecureURL(let setting, let value):
            return "\(setting) '\(value)' uses plain http to a host that is not loopback; use https"
        case .invalidValue(let setting, let value, let expected): return "\(setting) '\(value)': expected \(expected)"
        }
    }
}

extension TeamctlConfig {
    /// Every profile with what its facility holds, for resolving a team across facilities. Without any profile,
    /// `nersc` alone (NERSC's production defaults).
    public var facilityTraits: [String: FacilityTraits] {
        guard !profiles.isEmpty else { return ["nersc": ProviderFactory.traits(provider: nil)] }
        return profiles.mapValues { ProviderFactory.traits(provider: $0.provider) }
    }
}
