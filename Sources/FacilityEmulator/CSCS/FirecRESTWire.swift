// The FirecREST v2 and Alps Accounting schemas as the emulator serves them, written from
// shared/reference/firecrest-v2.md. The client has its own copies (TeamSync/Providers/FirecREST), so the emulator
// checks the client against the reference, not against itself. JSON keys are camelCase, as the APIs spell them.

/// The FirecREST v2 and Alps Accounting API wire schemas the emulator writes in its answers.
public enum FirecRESTWire {
    /// One system (`GET /status/systems`).
    public struct System: Codable, Sendable, Hashable {
        public var name: String
        public var ssh: SSH
        public var scheduler: Scheduler
        public var servicesHealth: [ServiceHealth]
        public var probing: Int
        public var fileSystems: [FileSystem]
        public var dataOperation: String?
    }

    /// How FirecREST reaches a system over SSH.
    public struct SSH: Codable, Sendable, Hashable {
        public var host: String
        public var port: Int
        public var maxClients: Int
        public var timeout: Timeouts
    }

    /// SSH timeouts, in seconds.
    public struct Timeouts: Codable, Sendable, Hashable {
        public var connection: Int
        public var login: Int
        public var commandExecution: Int
        public var idleTimeout: Int
        public var keepAlive: Int
    }

    /// The system's scheduler.
    public struct Scheduler: Codable, Sendable, Hashable {
        public var type: String
        public var version: String
        public var apiUrl: String?
        public var apiVersion: String?
        public var timeout: Int
    }

    /// One service's health on a system.
    public struct ServiceHealth: Codable, Sendable, Hashable {
        public var serviceType: String
        public var lastChecked: String?
        public var latency: Double?
        public var healthy: Bool
        public var message: String?
    }

    /// A file system mounted on a system.
    public struct FileSystem: Codable, Sendable, Hashable {
        public var path: String
        public var dataType: String
        public var defaultWorkDir: Bool
    }

    /// `{"systems": [...]}`.
    public struct Systems: Codable, Sendable, Hashable {
        public var systems: [System]
    }

    /// A user or group: ids are strings.
    public struct IdName: Codable, Sendable, Hashable {
        public var id: String
        public var name: String

        /// Creates one.
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// A Slurm account the user may charge.
    public struct Account: Codable, Sendable, Hashable {
        public var name: String
        public var `default`: Bool

        /// Creates one.
        public init(name: String, default isDefault: Bool) {
            self.name = name
            self.default = isDefault
        }
    }

    /// `GET /status/{system}/userinfo`. `accounts` is null on systems without Slurm (and encoded as null).
    public struct UserInfo: Sendable, Hashable, Codable {
        public var user: IdName
        public var group: IdName
        public var groups: [IdName]
        public var accounts: [Account]?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user, forKey: .user)
            try container.encode(group, forKey: .group)
            try container.encode(groups, forKey: .groups)
            try container.encode(accounts, forKey: .accounts)
        }
    }

    /// One Alps Accounting compute record: one (user, account, cluster, day or month).
    public struct ComputeRecord: Codable, Sendable, Hashable {
        public var id: String
        public var username: String
        public var userId: String
        public var account: String
        public var cluster: String
        public var usageDate: String
        public var nodeHours: Double
        public var cpuHours: Double
        public var jobCount: Int
        public var totalElapsedTime: Int
        public var totalNodeCount: Int
        public var updated: String
    }

    /// `{"compute": [...]}`.
    public struct ComputeUsage: Codable, Sendable, Hashable {
        public var compute: [ComputeRecord]
    }

    /// A FirecREST error: `{"errorType", "message", "causedBy", "data", "user"}` (nulls written out).
    public struct ErrorBody: Sendable, Hashable, Codable {
        public var errorType: String
        public var message: String
        public var causedBy: String?
        public var data: String?
        public var user: String?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(errorType, forKey: .errorType)
            try container.encode(message, forKey: .message)
            try container.encode(causedBy, forKey: .causedBy)
            try container.encode(data, forKey: .data)
            try container.encode(user, forKey: .user)
        }
    }

    /// Keycloak's token answer.
    public struct TokenResponse: Codable, Sendable, Hashable {
        public var access_token: String
        public var expires_in: Int
        public var refresh_expires_in: Int
        public var token_type: String
        public var scope: String
    }
}
