import Foundation
import Yams

/// The whole state of an emulated facility: the seed a run starts from, and what
/// `GET /_emulator/state` returns. Unknown keys in a seed file are ignored; missing lists are empty.
public struct EmulatorSeed: Codable, Sendable, Hashable {
    /// Facility users; only these usernames exist.
    public var users: [SFAPIWire.UserInfo]
    /// Projects (Iris "repos") with their members, allocations and storage.
    public var projects: [Project]
    /// Unix file groups.
    public var groups: [Group]
    /// Superfacility API clients whose RSA public keys the token endpoint trusts.
    public var clients: [Client]
    /// Static bearer tokens, for tests and demos.
    public var tokens: [StaticToken]
    /// System status records (`/status`).
    public var systems: [SFAPIWire.SystemStatus]
    /// Outages, current and planned (`/status/outages`); `name` is the system's name.
    public var outages: [SFAPIWire.Outage]
    /// Status notes (`/status/notes`); `name` is the system's name.
    public var notes: [Note]
    /// Asynchronous tasks (`/tasks`), each owned by a user.
    public var tasks: [UserTask]
    /// An emulated CSCS (FirecREST v2 and the Alps Accounting API), served beside SFAPI; nil: none.
    public var cscs: CSCSSeed?

    /// Creates a seed; every list defaults to empty.
    public init(
        users: [SFAPIWire.UserInfo] = [], projects: [Project] = [], groups: [Group] = [], clients: [Client] = [],
        tokens: [StaticToken] = [], systems: [SFAPIWire.SystemStatus] = [], outages: [SFAPIWire.Outage] = [],
        notes: [Note] = [],
        tasks: [UserTask] = [], cscs: CSCSSeed? = nil
    ) {
        self.users = users
        self.projects = projects
        self.groups = groups
        self.clients = clients
        self.tokens = tokens
        self.systems = systems
        self.outages = outages
        self.notes = notes
        self.tasks = tasks
        self.cscs = cscs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        users = try container.decodeIfPresent([SFAPIWire.UserInfo].self, forKey: .users) ?? []
        projects = try container.decodeIfPresent([Project].self, forKey: .projects) ?? []
        groups = try container.decodeIfPresent([Group].self, forKey: .groups) ?? []
        clients = try container.decodeIfPresent([Client].self, forKey: .clients) ?? []
        tokens = try container.decodeIfPresent([StaticToken].self, forKey: .tokens) ?? []
        systems = try container.decodeIfPresent([SFAPIWire.SystemStatus].self, forKey: .systems) ?? []
        outages = try container.decodeIfPresent([SFAPIWire.Outage].self, forKey: .outages) ?? []
        notes = try container.decodeIfPresent([Note].self, forKey: .notes) ?? []
        tasks = try container.decodeIfPresent([UserTask].self, forKey: .tasks) ?? []
        cscs = try container.decodeIfPresent(CSCSSeed.self, forKey: .cscs)
    }

    /// A project with its members, allocation and storage.
    public struct Project: Codable, Sendable, Hashable {
        public var id: Int
        public var repo_name: String
        public var description: String
        /// Project totals, in node hours. A missing `*_used` is the sum of the members' use.
        public var cpu_hours_given: Double?
        public var cpu_hours_used: Double?
        public var gpu_hours_given: Double?
        public var gpu_hours_used: Double?
        public var members: [Member]
        public var storage: Storage?

        /// Creates a project.
        public init(
            id: Int, repo_name: String, description: String, cpu_hours_given: Double? = nil,
            cpu_hours_used: Double? = nil, gpu_hours_given: Double? = nil, gpu_hours_used: Double? = nil,
            members: [Member] = [], storage: Storage? = nil
        ) {
            self.id = id
            self.repo_name = repo_name
            self.description = description
            self.cpu_hours_given = cpu_hours_given
            self.cpu_hours_used = cpu_hours_used
            self.gpu_hours_given = gpu_hours_given
            self.gpu_hours_used = gpu_hours_used
            self.members = members
            self.storage = storage
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(Int.self, forKey: .id)
            repo_name = try container.decode(String.self, forKey: .repo_name)
            description = try container.decodeIfPresent(String.self, forKey: .description) ?? repo_name
            cpu_hours_given = try container.decodeIfPresent(Double.self, forKey: .cpu_hours_given)
            cpu_hours_used = try container.decodeIfPresent(Double.self, forKey: .cpu_hours_used)
            gpu_hours_given = try container.decodeIfPresent(Double.self, forKey: .gpu_hours_given)
            gpu_hours_used = try container.decodeIfPresent(Double.self, forKey: .gpu_hours_used)
            members = try container.decodeIfPresent([Member].self, forKey: .members) ?? []
            storage = try container.decodeIfPresent(Storage.self, forKey: .storage)
        }

        /// The membership of `user`, if any.
        public func member(_ user: String) -> Member? { members.first { $0.user == user } }
    }

    /// One user's membership of a project: Iris role and hour shares.
    public struct Member: Codable, Sendable, Hashable {
        public var user: String
        public var role: SFAPIWire.IrisRole
        public var cpu_hours_given: Double?
        public var cpu_hours_used: Double?
        public var gpu_hours_given: Double?
        public var gpu_hours_used: Double?

        /// Creates a membership.
        public init(
            user: String, role: SFAPIWire.IrisRole = .member, cpu_hours_given: Double? = nil,
            cpu_hours_used: Double? = nil,
            gpu_hours_given: Double? = nil, gpu_hours_used: Double? = nil
        ) {
            self.user = user
            self.role = role
            self.cpu_hours_given = cpu_hours_given
            self.cpu_hours_used = cpu_hours_used
            self.gpu_hours_given = gpu_hours_given
            self.gpu_hours_used = gpu_hours_used
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            user = try container.decode(String.self, forKey: .user)
            role = try container.decodeIfPresent(SFAPIWire.IrisRole.self, forKey: .role) ?? .member
            cpu_hours_given = try container.decodeIfPresent(Double.self, forKey: .cpu_hours_given)
            cpu_hours_used = try container.decodeIfPresent(Double.self, forKey: .cpu_hours_used)
            gpu_hours_given = try container.decodeIfPresent(Double.self, forKey: .gpu_hours_given)
            gpu_hours_used = try container.decodeIfPresent(Double.self, forKey: .gpu_hours_used)
        }
    }

    /// A project's storage: its project directory and its HPSS archive.
    public struct Storage: Codable, Sendable, Hashable {
        public var projdir: Amount?
        public var hpss: Amount?

        /// Creates a storage record.
        public init(projdir: Amount? = nil, hpss: Amount? = nil) {
            self.projdir = projdir
            self.hpss = hpss
        }
    }

    /// Bytes and files given and used on one file system.
    public struct Amount: Codable, Sendable, Hashable {
        public var bytes_given: Double?
        public var bytes_used: Double?
        public var files_given: Double?
        public var files_used: Double?

        /// Creates an amount.
        public init(
            bytes_given: Double? = nil, bytes_used: Double? = nil, files_given: Double? = nil, files_used: Double? = nil
        ) {
            self.bytes_given = bytes_given
            self.bytes_used = bytes_used
            self.files_given = files_given
            self.files_used = files_used
        }
    }

    /// A Unix file group, owned by the project named in `repo_name`.
    public struct Group: Codable, Sendable, Hashable {
        public var name: String
        public var gid: Int
        public var repo_name: String?
        public var members: [String]

        /// Creates a group.
        public init(name: String, gid: Int, repo_name: String?, members: [String] = []) {
            self.name = name
            self.gid = gid
            self.repo_name = repo_name
            self.members = members
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            gid = try container.decode(Int.self, forKey: .gid)
            repo_name = try container.decodeIfPresent(String.self, forKey: .repo_name)
            members = try container.decodeIfPresent([String].self, forKey: .members) ?? []
        }
    }

    /// A Superfacility API client registered by `user`.
    public struct Client: Codable, Sendable, Hashable {
        /// The 13-character client id; the `iss` and `sub` of its assertions.
        public var client_id: String
        public var user: String
        public var name: String
        /// The RSA public key as PEM (a private key PEM is accepted too; only its public half is used).
        public var public_key_pem: String
        /// ISO 8601 expiry, e.g. `2027-01-01T00:00:00Z`; an expired client gets no tokens.
        public var expires_at: String
        public var comments: String?

        /// Creates a client record.
        public init(
            client_id: String, user: String, name: String, public_key_pem: String, expires_at: String,
            comments: String? = nil
        ) {
            self.client_id = client_id
            self.user = user
            self.name = name
            self.public_key_pem = public_key_pem
            self.expires_at = expires_at
            self.comments = comments
        }
    }

    /// A static bearer token that acts as `user`.
    public struct StaticToken: Codable, Sendable, Hashable {
        public var token: String
        public var user: String

        /// Creates a static token.
        public init(token: String, user: String) {
            self.token = token
            self.user = user
        }
    }

    /// A status note about one system (`Note`).
    public struct Note: Codable, Sendable, Hashable {
        public var name: String
        public var notes: String?
        public var active: Bool?
        public var timestamp: String?

        /// Creates a note.
        public init(name: String, notes: String? = nil, active: Bool? = nil, timestamp: String? = nil) {
            self.name = name
            self.notes = notes
            self.active = active
            self.timestamp = timestamp
        }
    }

    /// A task owned by `user` (`Task`).
    public struct UserTask: Codable, Sendable, Hashable {
        public var id: String
        public var user: String
        public var status: String
        public var result: String?

        /// Creates a task.
        public init(id: String, user: String, status: String = "completed", result: String? = nil) {
            self.id = id
            self.user = user
            self.status = status
            self.result = result
        }
    }
}

/// A seed file that could not be read or understood.
public struct SeedError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var description: String
}

extension EmulatorSeed {
    /// Reads a YAML (or JSON) seed file.
    public static func load(path: String) throws -> EmulatorSeed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SeedError(description: "cannot read seed file \(path): \(error.localizedDescription)")
        }
        do {
            return try EmulatorSeed(yaml: text)
        } catch let error as SeedError {
            throw SeedError(description: "\(path): \(error.description)")
        }
    }

    /// Parses a seed from YAML text (JSON is YAML too), then checks that it is consistent.
    public init(yaml: String) throws {
        let seed: EmulatorSeed
        do {
            seed = try YAMLDecoder().decode(EmulatorSeed.self, from: yaml)
        } catch let error as DecodingError {
            throw SeedError(description: "invalid seed: \(Self.describe(error))")
        } catch {
            throw SeedError(description: "invalid seed YAML: \(error)")
        }
        let problems = seed.consistencyProblems()
        guard problems.isEmpty else {
            throw SeedError(description: "inconsistent seed: " + problems.joined(separator: "; "))
        }
        self = seed
    }

    /// Everything in the seed that refers to something missing or is duplicated.
    public func consistencyProblems() -> [String] {
        var problems: [String] = []
        let usernames = Set(users.map(\.name))
        func duplicates(_ names: [String]) -> [String] {
            Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        }
        for name in duplicates(users.map(\.name)) { problems.append("user \(name) is listed twice") }
        for name in duplicates(projects.map(\.repo_name)) { problems.append("project \(name) is listed twice") }
        for name in duplicates(groups.map(\.name)) { problems.append("group \(name) is listed twice") }
        for project in projects {
            for member in project.members where !usernames.contains(member.user) {
                problems.append("project \(project.repo_name) has member \(member.user), who is not in users")
            }
        }
        let repoNames = Set(projects.map(\.repo_name))
        for group in groups {
            if let repo = group.repo_name, !repoNames.contains(repo) {
                problems.append("group \(group.name) is owned by \(repo), which is not in projects")
            }
            for member in group.members where !usernames.contains(member) {
                problems.append("group \(group.name) has member \(member), who is not in users")
            }
        }
        for gid in duplicates(groups.map { String($0.gid) }) { problems.append("gid \(gid) is used by two groups") }
        for client in clients {
            if !usernames.contains(client.user) {
                problems.append("client \(client.client_id) belongs to \(client.user), who is not in users")
            }
            if (try? ClientAssertionVerifier.publicKey(pem: client.public_key_pem)) == nil {
                problems.append(
                    "client \(client.client_id) has no usable RSA key (2048 bits or more) in public_key_pem")
            }
            if ClientAssertionVerifier.parseDate(client.expires_at) == nil {
                problems.append("client \(client.client_id) has expires_at \(client.expires_at), not an ISO 8601 time")
            }
        }
        for token in tokens where !usernames.contains(token.user) {
            problems.append("a static token belongs to \(token.user), who is not in users")
        }
        problems += cscs?.consistencyProblems() ?? []
        return problems
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "top level" : String(keys.dropFirst(keys.hasPrefix(".") ? 1 : 0))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing key \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
