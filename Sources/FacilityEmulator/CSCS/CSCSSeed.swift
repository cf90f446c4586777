import Foundation

/// The `cscs:` block of a seed: an emulated CSCS behind FirecREST v2 and the Alps Accounting API
/// (`shared/reference/firecrest-v2.md`). Optional; a seed without it serves SFAPI only. Missing lists are empty.
///
/// ```yaml
/// cscs:
///   clients:
///     - {client_id: teamctl-ci, client_secret: s3cr3t, user: amorales}
///   systems:
///     - name: daint
///       services: [{type: scheduler, healthy: true}, {type: ssh, healthy: true}]
///   users:
///     - name: amorales
///       uid: 21234
///       group: {name: csstaff, gid: 1000}
///       groups: [{name: csstaff, gid: 1000}, {name: s1234, gid: 31234}]
///       accounts: [s1234, g42]
///       default_account: s1234
///       pi_of: [s1234]
///   usage:
///     - {username: amorales, account: s1234, cluster: daint, date: "2026-11-02", node_hours: 2, cpu_hours: 512}
/// ```
public struct CSCSSeed: Codable, Sendable, Hashable {
    /// Lifetime of issued tokens, in seconds (Keycloak's default for these clients: about 5 minutes).
    public var token_ttl: Int?
    /// The FirecREST version sent in `f7t-appversion`.
    public var app_version: String?
    /// OAuth clients (client credentials) and whom they act as.
    public var clients: [Client]
    /// FirecREST systems with their services' health.
    public var systems: [System]
    /// Users: Unix identity, groups and Slurm accounts.
    public var users: [User]
    /// Daily compute usage records; monthly records are their sums.
    public var usage: [UsageRecord]

    /// Creates a block.
    public init(
        token_ttl: Int? = nil, app_version: String? = nil, clients: [Client] = [], systems: [System] = [],
        users: [User] = [], usage: [UsageRecord] = []
    ) {
        self.token_ttl = token_ttl
        self.app_version = app_version
        self.clients = clients
        self.systems = systems
        self.users = users
        self.usage = usage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token_ttl = try container.decodeIfPresent(Int.self, forKey: .token_ttl)
        app_version = try container.decodeIfPresent(String.self, forKey: .app_version)
        clients = try container.decodeIfPresent([Client].self, forKey: .clients) ?? []
        systems = try container.decodeIfPresent([System].self, forKey: .systems) ?? []
        users = try container.decodeIfPresent([User].self, forKey: .users) ?? []
        usage = try container.decodeIfPresent([UsageRecord].self, forKey: .usage) ?? []
    }

    /// A Keycloak client of the `firecrest-clients` realm.
    public struct Client: Codable, Sendable, Hashable {
        public var client_id: String
        public var client_secret: String
        /// The user the client's tokens act as.
        public var user: String

        /// Creates one.
        public init(client_id: String, client_secret: String, user: String) {
            self.client_id = client_id
            self.client_secret = client_secret
            self.user = user
        }
    }

    /// A system and its services' health.
    public struct System: Codable, Sendable, Hashable {
        public var name: String
        /// `slurm` (default) or another scheduler; userinfo's `accounts` is null on non-Slurm systems.
        public var scheduler: String
        public var services: [Service]

        /// Creates one; services default to scheduler, ssh and filesystem, all healthy.
        public init(name: String, scheduler: String = "slurm", services: [Service]? = nil) {
            self.name = name
            self.scheduler = scheduler
            self.services = services ?? Self.defaultServices
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            scheduler = try container.decodeIfPresent(String.self, forKey: .scheduler) ?? "slurm"
            services = try container.decodeIfPresent([Service].self, forKey: .services) ?? Self.defaultServices
        }

        static let defaultServices = ["scheduler", "ssh", "filesystem"].map { Service(type: $0, healthy: true) }
    }

    /// One service of a system.
    public struct Service: Codable, Sendable, Hashable {
        /// `scheduler`, `ssh`, `filesystem`, `s3` or `exec`.
        public var type: String
        public var healthy: Bool
        public var message: String?

        /// Creates one.
        public init(type: String, healthy: Bool, message: String? = nil) {
            self.type = type
            self.healthy = healthy
            self.message = message
        }
    }

    /// A Unix group.
    public struct Group: Codable, Sendable, Hashable {
        public var name: String
        public var gid: Int

        /// Creates one.
        public init(name: String, gid: Int) {
            self.name = name
            self.gid = gid
        }
    }

    /// A user at CSCS.
    public struct User: Codable, Sendable, Hashable {
        public var name: String
        public var uid: Int
        /// The primary group.
        public var group: Group
        /// Every group, the primary one included.
        public var groups: [Group]
        /// The Slurm accounts the user may charge.
        public var accounts: [String]
        /// The default account; the first of ``accounts`` when absent.
        public var default_account: String?
        /// Accounts (projects) this user is PI or deputy PI of: the Alps Accounting API shows them every member's
        /// usage there (others see their own only).
        public var pi_of: [String]

        /// Creates one.
        public init(
            name: String, uid: Int, group: Group, groups: [Group] = [], accounts: [String] = [],
            default_account: String? = nil, pi_of: [String] = []
        ) {
            self.name = name
            self.uid = uid
            self.group = group
            self.groups = groups
            self.accounts = accounts
            self.default_account = default_account
            self.pi_of = pi_of
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            uid = try container.decode(Int.self, forKey: .uid)
            group = try container.decode(Group.self, forKey: .group)
            groups = try container.decodeIfPresent([Group].self, forKey: .groups) ?? [group]
            accounts = try container.decodeIfPresent([String].self, forKey: .accounts) ?? []
            default_account = try container.decodeIfPresent(String.self, forKey: .default_account)
            pi_of = try container.decodeIfPresent([String].self, forKey: .pi_of) ?? []
        }
    }

    /// One day of one user's compute on one account and cluster.
    public struct UsageRecord: Codable, Sendable, Hashable {
        public var username: String
        public var account: String
        public var cluster: String
        /// `YYYY-MM-DD`.
        public var date: String
        public var node_hours: Double
        public var cpu_hours: Double
        public var job_count: Int
        /// Seconds of elapsed time of the jobs.
        public var total_elapsed_time: Int
        public var total_node_count: Int

        /// Creates one.
        public init(
            username: String, account: String, cluster: String, date: String, node_hours: Double, cpu_hours: Double,
            job_count: Int = 1, total_elapsed_time: Int? = nil, total_node_count: Int? = nil
        ) {
            self.username = username
            self.account = account
            self.cluster = cluster
            self.date = date
            self.node_hours = node_hours
            self.cpu_hours = cpu_hours
            self.job_count = job_count
            self.total_elapsed_time = total_elapsed_time ?? Int(node_hours * 3600)
            self.total_node_count = total_node_count ?? max(1, job_count)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                username: try container.decode(String.self, forKey: .username),
                account: try container.decode(String.self, forKey: .account),
                cluster: try container.decode(String.self, forKey: .cluster),
                date: try container.decode(String.self, forKey: .date),
                node_hours: try container.decodeIfPresent(Double.self, forKey: .node_hours) ?? 0,
                cpu_hours: try container.decodeIfPresent(Double.self, forKey: .cpu_hours) ?? 0,
                job_count: try container.decodeIfPresent(Int.self, forKey: .job_count) ?? 1,
                total_elapsed_time: try container.decodeIfPresent(Int.self, forKey: .total_elapsed_time),
                total_node_count: try container.decodeIfPresent(Int.self, forKey: .total_node_count))
        }
    }

    /// Everything in the block that refers to something missing, is duplicated or malformed.
    public func consistencyProblems() -> [String] {
        var problems: [String] = []
        let names = Set(users.map(\.name))
        let systemNames = Set(systems.map(\.name))
        func duplicates(_ list: [String]) -> [String] {
            Dictionary(grouping: list, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        }
        for name in duplicates(users.map(\.name)) { problems.append("cscs user \(name) is listed twice") }
        for name in duplicates(systems.map(\.name)) { problems.append("cscs system \(name) is listed twice") }
        for name in duplicates(clients.map(\.client_id)) { problems.append("cscs client \(name) is listed twice") }
        for client in clients where !names.contains(client.user) {
            problems.append("cscs client \(client.client_id) acts as \(client.user), who is not in cscs.users")
        }
        for user in users {
            if let account = user.default_account, !user.accounts.contains(account) {
                problems.append("cscs user \(user.name) has default_account \(account), which is not in accounts")
            }
        }
        for record in usage {
            if !names.contains(record.username) {
                problems.append("cscs usage of \(record.username) on \(record.date): not in cscs.users")
            }
            if !systemNames.contains(record.cluster) {
                problems.append("cscs usage of \(record.username) on \(record.date): no system \(record.cluster)")
            }
            if CSCSFacility.day(record.date) == nil {
                problems.append("cscs usage of \(record.username): date \(record.date) is not YYYY-MM-DD")
            }
        }
        return problems
    }
}
