// The SFAPI v1.2 schemas as the emulator serves them, written from shared/reference/sfapi-v1.2.md.
// The client has its own copies; keeping these apart means the emulator checks the client against the
// reference, not against itself. JSON keys are spelled as the API spells them.

/// The Superfacility API v1.2 wire schemas the emulator reads from seeds and writes in its answers.
///
/// Nested in a namespace so their names never clash with the client's types when both are imported.
/// Optional fields that are `nil` are left out of the JSON, as the API leaves them out.
public enum SFAPIWire {
    /// A facility user, as `GET /account/` returns it (`UserInfo`).
    public struct UserInfo: Codable, Sendable, Hashable {
        /// The numeric Unix user id.
        public var uid: Int
        /// The facility username.
        public var name: String
        public var firstname: String?
        public var lastname: String?
        public var middlename: String?
        public var workphone: String?
        public var otherPhones: String?
        public var email: String?

        /// Creates a user record.
        public init(
            uid: Int, name: String, firstname: String? = nil, lastname: String? = nil, middlename: String? = nil,
            workphone: String? = nil, otherPhones: String? = nil, email: String? = nil
        ) {
            self.uid = uid
            self.name = name
            self.firstname = firstname
            self.lastname = lastname
            self.middlename = middlename
            self.workphone = workphone
            self.otherPhones = otherPhones
            self.email = email
        }
    }

    /// An Iris role as the facility spells it in `iris_role`.
    public enum IrisRole: String, Codable, Sendable, Hashable, CaseIterable {
        case pi = "PI"
        case piProxy = "PI Proxy"
        case member = "Member"

        /// Whether this role may create a project's groups and change their members.
        var canManageGroups: Bool { self != .member }
    }

    /// The state of one facility system (`Status`).
    public struct SystemStatus: Codable, Sendable, Hashable {
        /// `active`, `unavailable`, `degraded` or `other`.
        public enum State: String, Codable, Sendable, Hashable, CaseIterable {
            case active, unavailable, degraded, other
        }

        public var name: String
        public var full_name: String?
        public var description: String?
        public var system_type: String?
        public var notes: [String]?
        public var status: State
        /// ISO 8601.
        public var updated_at: String?

        /// Creates a system status record.
        public init(
            name: String, full_name: String? = nil, description: String? = nil, system_type: String? = nil,
            notes: [String]? = nil, status: State, updated_at: String? = nil
        ) {
            self.name = name
            self.full_name = full_name
            self.description = description
            self.system_type = system_type
            self.notes = notes
            self.status = status
            self.updated_at = updated_at
        }
    }

    /// A planned or current outage of a system (`Outage`); `name` is the system's name.
    public struct Outage: Codable, Sendable, Hashable {
        public var name: String
        public var start_at: String?
        public var end_at: String?
        public var description: String?
        public var notes: String?
        /// `Active`, `Cancelled`, `Completed`, `Extended` or `Planned`.
        public var status: String?
        public var swo: String?
        public var update_at: String?

        /// Creates an outage record.
        public init(
            name: String, start_at: String? = nil, end_at: String? = nil, description: String? = nil,
            notes: String? = nil, status: String? = nil, swo: String? = nil, update_at: String? = nil
        ) {
            self.name = name
            self.start_at = start_at
            self.end_at = end_at
            self.description = description
            self.notes = notes
            self.status = status
            self.swo = swo
            self.update_at = update_at
        }
    }

    // The answers below are only built by the emulator, so they keep their synthesized memberwise
    // initialisers and stay internal.

    /// One of the caller's projects (`ProjectStats`): `hours_*`, `cpu_hours_*` and `gpu_hours_*` are the
    /// caller's share, `*project_hours_*` the project's total.
    struct ProjectStats: Codable, Sendable, Hashable {
        var id: Int
        var description: String
        var repo_name: String
        var iris_role: String?
        var hours_given: Double?
        var hours_used: Double?
        var project_hours_given: Double?
        var project_hours_used: Double?
        var cpu_hours_given: Double?
        var cpu_hours_used: Double?
        var cpu_project_hours_given: Double?
        var cpu_project_hours_used: Double?
        var gpu_hours_given: Double?
        var gpu_hours_used: Double?
        var gpu_project_hours_given: Double?
        var gpu_project_hours_used: Double?
        var projdir_usage: [StorageStats]?
        var project_projdir_usage: StorageStats?
        var hpss_usage: [StorageStats]?
    }

    /// Storage usage of one file system or archive (`StorageStats`).
    struct StorageStats: Codable, Sendable, Hashable {
        var name: String
        var bytes_given: Double?
        var bytes_used: Double?
        var files_given: Double?
        var files_used: Double?
        var bytes_given_human: String?
        var bytes_used_human: String?
    }

    /// One of the caller's Iris roles in a project (`RoleStats`).
    struct RoleStats: Codable, Sendable, Hashable {
        var id: Int
        var description: String
        var repo_name: String
        var iris_role: String?
    }

    /// A member of a file group (`UserStats`).
    struct UserStats: Codable, Sendable, Hashable {
        var uid: Int
        var name: String
    }

    /// A Unix file group with its members (`GroupStats`).
    struct GroupStats: Codable, Sendable, Hashable {
        var gid: Int
        var name: String
        var users: [UserStats]?
    }

    /// The caller's file groups (`GroupList`).
    struct GroupList: Codable, Sendable, Hashable {
        var groups: [GroupStats]
    }

    /// The action of `PUT /account/groups/{group}`.
    enum GroupAction: String, Codable, Sendable, Hashable, CaseIterable {
        case batchAdd = "batch_add"
        case batchRemove = "batch_remove"
    }

    /// One of the caller's Superfacility API clients (`Client`); the key never leaves the facility.
    struct Client: Codable, Sendable, Hashable {
        var name: String?
        var clientId: String
        var expiresAt: String?
        var comments: String?
    }

    /// An asynchronous task (`Task`). `result` is always sent, `null` when empty: the Python client
    /// requires the key.
    struct FacilityTask: Codable, Sendable, Hashable {
        var id: String
        /// `new`, `completed`, `cancelled` or `failed`.
        var status: String
        /// A JSON-encoded string such as `{"status": "ok", "output": "...", "error": null}`.
        var result: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(result, forKey: .result)
        }
    }

    /// The body of `GET /tasks`.
    struct TaskList: Codable, Sendable, Hashable {
        var tasks: [FacilityTask]
    }

    /// The token endpoint's answer to a client-credentials grant.
    struct TokenResponse: Codable, Sendable, Hashable {
        var access_token: String
        var token_type: String
        var expires_in: Int
        var scope: String?
    }

    /// One entry of a FastAPI validation error.
    struct ValidationIssue: Codable, Sendable, Hashable {
        var loc: [String]
        var msg: String
        var type: String
    }

    /// The body of a 422 answer: `{"detail": [ValidationIssue]}`.
    struct ValidationFailure: Codable, Sendable, Hashable {
        var detail: [ValidationIssue]
    }
}
