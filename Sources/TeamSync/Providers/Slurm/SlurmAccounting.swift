import Foundation

/// The Slurm accounting operations teamctl needs, in Slurm's own terms. Two channels implement it: slurmrestd
/// (``SlurmRESTChannel``) and the local `sacctmgr` (``SacctmgrChannel``). The Slurm provider maps the manifest onto
/// these calls; the channels know the wire formats and every version's quirks (`../shared/reference/slurm.md`).
///
/// Names (accounts, users, QOS, clusters) are passed and returned in lower case. Every write that changes an existing
/// association reads it first and sends back the whole record, so no limit the caller did not name is lost.
public protocol SlurmAccounting: Sendable {
    /// A short description for messages, e.g. `slurmrestd v0.0.41` or `sacctmgr 22.05.8`.
    var channelDescription: String { get }
    /// The cluster every call acts on.
    var cluster: String { get }

    /// Succeeds when the channel answers (slurmrestd reachable and authenticated; sacctmgr runs and reaches slurmdbd).
    func ping() async throws
    /// The account's own association, every user association under it and its coordinators; nil when the
    /// account does not exist on the cluster.
    func readAccount(_ account: String) async throws -> SlurmAccountState?
    /// The QOS names that exist.
    func qosNames() async throws -> Set<String>
    /// For each user asked about who exists: their default account and every account they have an association
    /// with on the cluster. Users that do not exist are absent from the answer.
    func users(_ names: [String]) async throws -> [String: SlurmUserState]

    /// Creates user associations under `account` (and the users, when they do not exist yet). A new user's default
    /// account becomes `account`; an existing user's default account is left as it is.
    func addUsers(_ users: [SlurmNewAssociation], account: String) async throws
    /// Deletes the users' associations under `account`. Fails with ``SlurmError/Kind/defaultAccount`` when the
    /// account is a user's default and the version refuses, and with ``SlurmError/Kind/jobsRunning`` when jobs run.
    func removeUsers(_ users: [String], account: String) async throws
    /// Changes associations under `account` (by user; `""` for the account's own) in as few calls as the channel
    /// allows: one read of them all, each merged with its change, the whole records written together, and checked.
    /// Associations whose change holds already are not written. Users with no association under the account are
    /// reported (``SlurmError/Kind/notFound``, naming them) after the others were changed.
    func modifyAssociations(account: String, changes: [String: SlurmAssociationChange]) async throws
    /// Makes `account` the user's default account.
    func setDefaultAccount(user: String, account: String) async throws
    /// Makes each user's default account the one given (user -> account), in as few calls as the channel allows.
    func setDefaultAccounts(_ defaults: [String: String]) async throws
    /// Makes users coordinators of `account`.
    func addCoordinators(_ users: [String], account: String) async throws
    /// Removes users as coordinators of `account` (direct coordinators only; inherited ones stay).
    func removeCoordinators(_ users: [String], account: String) async throws
    /// Used CPU and GPU minutes per user and for the account as a whole between two instants; nil when the channel
    /// cannot report usage (slurmrestd on dbv0.0.38).
    func usage(account: String, from start: Date, to end: Date) async throws -> SlurmUsage?
}

/// What one account holds on a cluster.
public struct SlurmAccountState: Sendable, Hashable, Codable {
    /// The account name.
    public var name: String
    /// The account's own association (user `""`): its QOS list and GrpTRESMins.
    public var association: SlurmAssociation
    /// The user associations under the account, by user name (partition `""` only).
    public var users: [String: SlurmAssociation]
    /// Direct coordinators (inherited ones excluded), sorted.
    public var coordinators: [String]

    /// Creates an account state.
    public init(name: String, association: SlurmAssociation, users: [String: SlurmAssociation], coordinators: [String])
    {
        self.name = name
        self.association = association
        self.users = users
        self.coordinators = coordinators
    }
}

/// One association, as far as teamctl reads it.
public struct SlurmAssociation: Sendable, Hashable, Codable {
    /// The account.
    public var account: String
    /// The user; `""` for the account's own association.
    public var user: String
    /// The QOS names the association may use, sorted.
    public var qos: [String]
    /// The default QOS, if one is set.
    public var defaultQOS: String?
    /// Whether this account is the user's default account (false for the account's own association).
    public var isDefault: Bool
    /// GrpTRESMins by TRES name (`cpu`, `gres/gpu`, `mem`, ...), in minutes; a TRES with no limit is absent.
    public var grpTRESMins: [String: Int64]

    /// Creates an association.
    public init(
        account: String, user: String, qos: [String] = [], defaultQOS: String? = nil, isDefault: Bool = false,
        grpTRESMins: [String: Int64] = [:]
    ) {
        self.account = account
        self.user = user
        self.qos = qos.sorted()
        self.defaultQOS = defaultQOS
        self.isDefault = isDefault
        self.grpTRESMins = grpTRESMins
    }
}

/// A user association to create.
public struct SlurmNewAssociation: Sendable, Hashable, Codable {
    /// The user.
    public var user: String
    /// The QOS names to give; empty means the account's (inherited) list.
    public var qos: [String]
    /// GrpTRESMins to set at creation, by TRES name, in minutes.
    public var grpTRESMins: [String: Int64]

    /// Creates one.
    public init(user: String, qos: [String] = [], grpTRESMins: [String: Int64] = [:]) {
        self.user = user
        self.qos = qos.sorted()
        self.grpTRESMins = grpTRESMins
    }
}

extension SlurmAccounting {
    /// Changes one association (`user` empty for the account's own): read, merge, write the whole record.
    public func modifyAssociation(account: String, user: String, change: SlurmAssociationChange) async throws {
        try await modifyAssociations(account: account, changes: [user: change])
    }
}

/// A change to an existing association. Nil and empty fields are left as they are.
public struct SlurmAssociationChange: Sendable, Hashable, Codable {
    /// The whole new QOS list, or nil to leave it.
    public var qos: [String]?
    /// QOS names to add to the list (the current one, or `qos` when given).
    public var addingQOS: [String]
    /// QOS names to take from it.
    public var removingQOS: [String]
    /// GrpTRESMins entries to change: a number sets the TRES's limit in minutes, nil clears it (unlimited).
    /// TRES not named keep their current limit.
    public var grpTRESMins: [String: Int64?]

    /// Creates a change.
    public init(
        qos: [String]? = nil, addingQOS: [String] = [], removingQOS: [String] = [], grpTRESMins: [String: Int64?] = [:]
    ) {
        self.qos = qos?.sorted()
        self.addingQOS = addingQOS.sorted()
        self.removingQOS = removingQOS.sorted()
        self.grpTRESMins = grpTRESMins
    }

    /// Whether the change names a QOS list at all.
    public var changesQOS: Bool { qos != nil || !addingQOS.isEmpty || !removingQOS.isEmpty }

    /// The QOS list this change makes of `current` (lower case, sorted), or nil when it leaves the list as it is.
    public func qosList(from current: [String]) -> [String]? {
        guard changesQOS else { return nil }
        var list = Set((qos ?? current).map { $0.lowercased() })
        list.formUnion(addingQOS.map { $0.lowercased() })
        list.subtract(removingQOS.map { $0.lowercased() })
        let result = list.sorted()
        return result == current.map { $0.lowercased() }.sorted() ? nil : result
    }
}

/// A user's accounts on the cluster.
public struct SlurmUserState: Sendable, Hashable, Codable {
    /// The user.
    public var name: String
    /// Their default account; nil or empty when none is set.
    public var defaultAccount: String?
    /// Every account the user has an association with on the cluster, sorted.
    public var accounts: [String]

    /// Creates one.
    public init(name: String, defaultAccount: String?, accounts: [String]) {
        self.name = name
        self.defaultAccount = defaultAccount
        self.accounts = accounts.sorted()
    }
}

/// Used minutes over a period.
public struct SlurmUsage: Sendable, Hashable, Codable {
    /// Minutes by TRES name (`cpu`, `gres/gpu`) for the account as a whole.
    public var account: [String: Int64]
    /// Minutes by TRES name for each user under the account.
    public var users: [String: [String: Int64]]

    /// Creates one.
    public init(account: [String: Int64], users: [String: [String: Int64]]) {
        self.account = account
        self.users = users
    }
}

/// A failure of a Slurm channel, classified so the provider and the applier can act on it.
public struct SlurmError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Slurm refused: the caller may not do this (error 2002, "Access/permission denied", a coordinator's limit).
        case permissionDenied
        /// The association cannot go: it is the user's default account.
        case defaultAccount
        /// Jobs are running on the association; retry once they end.
        case jobsRunning
        /// A QOS name Slurm does not know.
        case unknownQOS
        /// The account, user or association does not exist.
        case notFound
        /// This version or channel cannot do it safely; `message` says what to run instead.
        case unsupported
        /// The channel could not be reached or did not answer (connection refused, timeout, 502/504, sacctmgr could
        /// not reach slurmdbd). May or may not have taken effect when it happened during a write.
        case unavailable
        /// Authentication failed (bad or expired token).
        case authentication
        /// Anything else Slurm reported.
        case failed
    }

    /// What kind of failure.
    public var kind: Kind
    /// What happened, in words a person can act on; never contains a token.
    public var message: String
    /// Slurm's error numbers, when it gave any.
    public var errorNumbers: [Int]

    /// Creates one.
    public init(_ kind: Kind, _ message: String, errorNumbers: [Int] = []) {
        self.kind = kind
        self.message = message
        self.errorNumbers = errorNumbers
    }

    public var description: String { message }
}
