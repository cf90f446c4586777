import Foundation

/// The FirecREST v2, Alps Accounting and Keycloak answers teamctl reads (`shared/reference/firecrest-v2.md`), as
/// the services spell them. Fields teamctl does not use are left out; optional fields tolerate absence.
enum FirecRESTSchemas {
    /// Keycloak's client-credentials answer.
    struct TokenResponse: Decodable {
        var access_token: String
        var expires_in: Int?
        var token_type: String?
    }

    /// `GET /status/systems`.
    struct Systems: Decodable {
        var systems: [System]
    }

    /// One system: its name, scheduler and services' health.
    struct System: Decodable {
        var name: String
        var scheduler: Scheduler?
        var servicesHealth: [ServiceHealth]?
    }

    struct Scheduler: Decodable {
        var type: String?
        var version: String?
    }

    struct ServiceHealth: Decodable {
        var serviceType: String
        var lastChecked: String?
        var healthy: Bool?
        var message: String?
    }

    /// `GET /status/{system}/userinfo`: ids are strings; `accounts` is null on systems without Slurm and absent
    /// before server 2.5.1.
    struct UserInfo: Decodable {
        var user: IdName
        var group: IdName
        var groups: [IdName]
        var accounts: [Account]?
    }

    struct IdName: Decodable {
        var id: String
        var name: String
    }

    struct Account: Decodable {
        var name: String
        var `default`: Bool?
    }

    /// `GET /compute/usage/{day|month}`.
    struct ComputeUsage: Decodable {
        var compute: [ComputeRecord]
    }

    /// One (user, account, cluster, day or month).
    struct ComputeRecord: Decodable {
        var username: String
        var account: String
        var cluster: String
        var usageDate: String
        var nodeHours: Double?
        var cpuHours: Double?
        var jobCount: Int?
    }
}
