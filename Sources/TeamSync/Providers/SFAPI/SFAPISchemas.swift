// SFAPI v1.2 wire types: value types mirroring the NERSC Superfacility API schemas field for field. They stay
// inside the SFAPI provider; the rest of teamctl sees the neutral model. JSON keys are spelled as the API spells
// them (see shared/reference/sfapi-v1.2.md).

/// A facility user, as `GET /account/` returns it (`UserInfo`).
public struct UserInfo: Sendable, Codable, Hashable {
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

/// Storage usage of one file system or archive (`StorageStats`).
public struct StorageStats: Sendable, Codable, Hashable {
    public var name: String
    public var bytes_given: Double?
    public var bytes_used: Double?
    public var files_given: Double?
    public var files_used: Double?
    public var bytes_given_human: String?
    public var bytes_used_human: String?

    /// Creates a storage record.
    public init(
        name: String, bytes_given: Double? = nil, bytes_used: Double? = nil, files_given: Double? = nil,
        files_used: Double? = nil, bytes_given_human: String? = nil, bytes_used_human: String? = nil
    ) {
        self.name = name
        self.bytes_given = bytes_given
        self.bytes_used = bytes_used
        self.files_given = files_given
        self.files_used = files_used
        self.bytes_given_human = bytes_given_human
        self.bytes_used_human = bytes_used_human
    }
}

/// One of the caller's projects with its allocation and usage (`ProjectStats`).
///
/// `hours_*`, `cpu_hours_*` and `gpu_hours_*` are the caller's share; `*project_hours_*` the project's total.
public struct ProjectStats: Sendable, Codable, Hashable {
    public var id: Int
    public var description: String
    public var repo_name: String
    public var iris_role: String?
    public var hours_given: Double?
    public var hours_used: Double?
    public var project_hours_given: Double?
    public var project_hours_used: Double?
    public var cpu_hours_given: Double?
    public var cpu_hours_used: Double?
    public var cpu_project_hours_given: Double?
    public var cpu_project_hours_used: Double?
    public var gpu_hours_given: Double?
    public var gpu_hours_used: Double?
    public var gpu_project_hours_given: Double?
    public var gpu_project_hours_used: Double?
    public var projdir_usage: [StorageStats]?
    public var project_projdir_usage: StorageStats?
    public var hpss_usage: [StorageStats]?

    /// Creates a project record.
    public init(
        id: Int, description: String, repo_name: String, iris_role: String? = nil,
        hours_given: Double? = nil, hours_used: Double? = nil,
        project_hours_given: Double? = nil, project_hours_used: Double? = nil,
        cpu_hours_given: Double? = nil, cpu_hours_used: Double? = nil,
        cpu_project_hours_given: Double? = nil, cpu_project_hours_used: Double? = nil,
        gpu_hours_given: Double? = nil, gpu_hours_used: Double? = nil,
        gpu_project_hours_given: Double? = nil, gpu_project_hours_used: Double? = nil,
        projdir_usage: [StorageStats]? = nil, project_projdir_usage: StorageStats? = nil,
        hpss_usage: [StorageStats]? = nil
    ) {
        self.id = id
        self.description = description
        self.repo_name = repo_name
        self.iris_role = iris_role
        self.hours_given = hours_given
        self.hours_used = hours_used
        self.project_hours_given = project_hours_given
        self.project_hours_used = project_hours_used
        self.cpu_hours_given = cpu_hours_given
        self.cpu_hours_used = cpu_hours_used
        self.cpu_project_hours_given = cpu_project_hours_given
        self.cpu_project_hours_used = cpu_project_hours_used
        self.gpu_hours_given = gpu_hours_given
        self.gpu_hours_used = gpu_hours_used
        self.gpu_project_hours_given = gpu_project_hours_given
        self.gpu_project_hours_used = gpu_project_hours_used
        self.projdir_usage = projdir_usage
        self.project_projdir_usage = project_projdir_usage
        self.hpss_usage = hpss_usage
    }
}

/// One of the caller's Iris roles in a project (`RoleStats`).
public struct RoleStats: Sendable, Codable, Hashable {
    public var id: Int
    public var description: String
    public var repo_name: String
    public var iris_role: String?

    /// Creates a role record.
    public init(id: Int, description: String, repo_name: String, iris_role: String? = nil) {
        self.id = id
        self.description = description
        self.repo_name = repo_name
        self.iris_role = iris_role
    }
}

/// A member of a file group as the facility lists it (`UserStats`).
public struct UserStats: Sendable, Codable, Hashable {
    public var uid: Int
    public var name: String

    /// Creates a group member record.
    public init(uid: Int, name: String) {
        self.uid = uid
        self.name = name
    }
}

/// A Unix file group with its members (`GroupStats`).
public struct GroupStats: Sendable, Codable, Hashable {
    public var gid: Int
    public var name: String
    public var users: [UserStats]?

    /// Creates a group record.
    public init(gid: Int, name: String, users: [UserStats]? = nil) {
        self.gid = gid
        self.name = name
        self.users = users
    }

    /// The member usernames, sorted.
    public var memberNames: [String] { (users ?? []).map(\.name).sorted() }
}

/// The caller's file groups (`GroupList`).
public struct GroupList: Sendable, Codable, Hashable {
    public var groups: [GroupStats]

    /// Creates a group list.
    public init(groups: [GroupStats]) { self.groups = groups }
}

/// One of the caller's Superfacility API clients (`Client`).
public struct APIClient: Sendable, Codable, Hashable {
    public var name: String?
    public var clientId: String
    public var expiresAt: String?
    public var comments: String?

    /// Creates an API client record.
    public init(name: String?, clientId: String, expiresAt: String?, comments: String? = nil) {
        self.name = name
        self.clientId = clientId
        self.expiresAt = expiresAt
        self.comments = comments
    }
}

/// The state of one facility system (`Status`).
public struct SystemStatus: Sendable, Codable, Hashable {
    /// `active`, `unavailable`, `degraded` or `other`.
    public enum State: String, Sendable, Codable, Hashable {
        case active, unavailable, degraded, other
    }

    public var name: String
    public var full_name: String?
    public var description: String?
    public var system_type: String?
    public var notes: [String]?
    public var status: State
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

/// A planned or current outage of a system (`Outage`).
public struct Outage: Sendable, Codable, Hashable {
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

/// An asynchronous facility task (`Task`). `/account` calls never return one.
public struct FacilityTask: Sendable, Codable, Hashable {
    public var id: String
    /// `new`, `completed`, `cancelled` or `failed`.
    public var status: String
    /// A JSON-encoded string such as `{"status": "ok", "output": "...", "error": null}`.
    public var result: String?

    /// Creates a task record.
    public init(id: String, status: String, result: String? = nil) {
        self.id = id
        self.status = status
        self.result = result
    }
}

/// The body of `GET /tasks`.
public struct TaskList: Sendable, Codable, Hashable {
    public var tasks: [FacilityTask]

    /// Creates a task list.
    public init(tasks: [FacilityTask]) { self.tasks = tasks }
}

/// The token endpoint's answer to a client-credentials grant.
public struct TokenResponse: Sendable, Codable, Hashable {
    public var access_token: String
    public var token_type: String
    public var expires_in: Int
    public var scope: String?

    /// Creates a token response.
    public init(access_token: String, token_type: String = "Bearer", expires_in: Int, scope: String? = nil) {
        self.access_token = access_token
        self.token_type = token_type
        self.expires_in = expires_in
        self.scope = scope
    }
}

/// One entry of a FastAPI validation error (422).
public struct ValidationIssue: Sendable, Codable, Hashable {
    public var loc: [String]
    public var msg: String
    public var type: String

    /// Creates a validation issue.
    public init(loc: [String], msg: String, type: String) {
        self.loc = loc
        self.msg = msg
        self.type = type
    }
}

/// The action of `PUT /account/groups/{group}`.
public enum GroupAction: String, Sendable, Codable, Hashable, CaseIterable {
    case batchAdd = "batch_add"
    case batchRemove = "batch_remove"
}

/// An Iris role as the facility spells it in `iris_role`.
public enum IrisRole: String, Sendable, Codable, Hashable, CaseIterable {
    case pi = "PI"
    case piProxy = "PI Proxy"
    case member = "Member"

    /// Whether this role may create groups and change their members.
    public var canManageGroups: Bool { self != .member }
}
