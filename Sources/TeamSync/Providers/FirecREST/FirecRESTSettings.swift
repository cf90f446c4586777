import Foundation

/// Where and how teamctl reads CSCS: FirecREST v2 (status, the caller's groups and accounts), the Alps Accounting
/// API (usage) and CSCS's Keycloak (client-credentials tokens). From a `provider: firecrest` profile.
///
/// The client secret is never a setting's value: it is read, when first needed, from ``clientSecretFile`` (mode
/// 0600) or from ``FirecRESTSettings/secretVariable``.
public struct FirecRESTSettings: Sendable, Hashable, CustomStringConvertible {
    /// CSCS's FirecREST v2 base for the HPC platform.
    public static let defaultURL = "https://api.cscs.ch/hpc/firecrest/v2"
    /// CSCS's Alps Accounting API base.
    public static let defaultAccountingURL = "https://api.cscs.ch/alps-accounting/v2"
    /// CSCS's Keycloak token endpoint for FirecREST clients.
    public static let defaultTokenURL =
        "https://auth.cscs.ch/auth/realms/firecrest-clients/protocol/openid-connect/token"
    /// The environment variable that may hold the client secret.
    public static let secretVariable = "TEAMCTL_FIRECREST_CLIENT_SECRET"

    /// The FirecREST v2 base, e.g. `https://api.cscs.ch/hpc/firecrest/v2`.
    public var url: URL
    /// The Alps Accounting API base.
    public var accountingURL: URL
    /// The token endpoint.
    public var tokenURL: URL
    /// The OAuth client id.
    public var clientID: String
    /// A file of mode 0600 holding the client secret; nil: ``secretVariable``.
    public var clientSecretFile: String?
    /// The system the status gate and userinfo ask about, e.g. `daint`.
    public var system: String
    /// The Slurm account (project) teamctl reports on, e.g. `s1234`; nil: the manifests' projects.
    public var account: String?
    /// The account's allocation in node hours, as the portal shows it (not in any API); nil: unknown.
    public var allocationNodeHours: Double?
    /// The account's allocation in CPU hours, when stated that way; nil: unknown.
    public var allocationCPUHours: Double?

    /// Creates settings directly.
    public init(
        url: URL, accountingURL: URL, tokenURL: URL, clientID: String, clientSecretFile: String? = nil,
        system: String, account: String? = nil, allocationNodeHours: Double? = nil, allocationCPUHours: Double? = nil
    ) {
        self.url = url
        self.accountingURL = accountingURL
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecretFile = clientSecretFile
        self.system = system
        self.account = account
        self.allocationNodeHours = allocationNodeHours
        self.allocationCPUHours = allocationCPUHours
    }

    /// Reads a `provider: firecrest` profile, saying which key to fix when one is missing or wrong.
    init(profile: TeamctlConfig.Profile, name: String, configPath: String, home: String) throws {
        func key(_ key: String) -> String { "profiles.\(name).\(key) in \(configPath)" }
        guard let system = profile.system?.trimmingCharacters(in: .whitespaces), !system.isEmpty else {
            throw ConfigError.invalidValue(
                setting: key("system"), value: "", expected: "the CSCS system FirecREST serves, e.g. daint")
        }
        guard let clientID = profile.client_id?.trimmingCharacters(in: .whitespaces), !clientID.isEmpty else {
            throw ConfigError.invalidValue(
                setting: key("client_id"), value: "",
                expected: "the FirecREST OAuth client id from CSCS's developer portal")
        }
        self.system = system
        self.clientID = clientID
        self.url = try ConnectionSettings.checkedURL(profile.url ?? Self.defaultURL, setting: key("url"))
        self.accountingURL = try ConnectionSettings.checkedURL(
            profile.accounting_url ?? Self.defaultAccountingURL, setting: key("accounting_url"))
        self.tokenURL = try ConnectionSettings.checkedURL(
            profile.token_url ?? Self.defaultTokenURL, setting: key("token_url"))
        self.clientSecretFile = profile.client_secret_file.map { KeyFile.expandTilde($0, home: home) }
        self.account = profile.account?.trimmingCharacters(in: .whitespaces).lowercased()
        let allocations = [
            ("allocation_node_hours", profile.allocation_node_hours),
            ("allocation_cpu_hours", profile.allocation_cpu_hours),
        ]
        for (setting, value) in allocations {
            if let value, !(value >= 0 && value.isFinite) {
                throw ConfigError.invalidValue(setting: key(setting), value: "\(value)", expected: "hours, 0 or more")
            }
        }
        self.allocationNodeHours = profile.allocation_node_hours
        self.allocationCPUHours = profile.allocation_cpu_hours
    }

    public var description: String {
        var parts = ["firecrest \(url.absoluteString) system \(system)", "accounting \(accountingURL.absoluteString)"]
        parts.append("token \(tokenURL.absoluteString) client \(clientID)")
        parts.append(
            clientSecretFile.map { "client secret file \($0) (not shown)" }
                ?? "client secret from \(Self.secretVariable) (not shown)")
        if let account { parts.append("account \(account)") }
        return parts.joined(separator: ", ")
    }
}
