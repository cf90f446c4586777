import AccountModels
import Foundation

/// What one refresh read of a Slurm cluster for the manifests: their accounts, the QOS names that exist, and the
/// accounts of the users a plan may remove. Stored in the cache as the snapshot's document; holds no secret.
public struct SlurmSnapshot: Sendable, Hashable, Codable {
    /// The cluster read.
    public var cluster: String
    /// How it was read, e.g. `slurmrestd v0.0.41`.
    public var channel: String
    /// The REST version, when read over slurmrestd (a plan made from the cache needs it for the capabilities).
    public var restVersion: SlurmRESTVersion?
    /// The accounts the manifests name that exist, by (lower-case) name.
    public var accounts: [String: SlurmAccountState]
    /// The accounts the manifests name that do not exist on the cluster.
    public var missingAccounts: [String]
    /// The QOS names that exist.
    public var qos: [String]
    /// The accounts of the users a plan may take out of an account (those the manifests do not keep), by user.
    public var users: [String: SlurmUserState]
    /// Used minutes per account since ``usageSince``, when the snapshot was taken for `teamctl usage`.
    public var usage: [String: SlurmUsage]?
    /// The start of the period ``usage`` covers, seconds since 1970.
    public var usageSince: Double?
    /// Why there are no usage figures, when the channel cannot give them (slurmrestd on 22.05).
    public var usageUnavailable: String?

    /// Creates a snapshot.
    public init(
        cluster: String, channel: String, restVersion: SlurmRESTVersion?, accounts: [String: SlurmAccountState],
        missingAccounts: [String], qos: [String], users: [String: SlurmUserState]
    ) {
        self.cluster = cluster
        self.channel = channel
        self.restVersion = restVersion
        self.accounts = accounts
        self.missingAccounts = missingAccounts.sorted()
        self.qos = qos.sorted()
        self.users = users
    }
}

/// How Slurm's terms map onto the domain's (`../shared/reference/slurm.md`, "What teamctl maps onto Slurm").
enum SlurmMapping {
    /// The TRES that holds each hour limit.
    static func tres(_ resource: LimitResource) -> String {
        switch resource {
        case .cpuHours: return "cpu"
        case .gpuHours: return "gres/gpu"
        }
    }

    /// GrpTRESMins minutes as hour limits; TRES teamctl does not manage are left out. Minutes that are not whole
    /// hours are rounded down (a manifest states whole hours).
    static func limits(_ grpTRESMins: [String: Int64]) -> [LimitResource: LimitValue] {
        var limits: [LimitResource: LimitValue] = [:]
        for resource in LimitResource.allCases {
            if let minutes = grpTRESMins[tres(resource)] { limits[resource] = .hours(minutes / 60) }
        }
        return limits
    }

    /// An hour limit as GrpTRESMins minutes; nil clears it.
    static func minutes(_ value: LimitValue) -> Int64? {
        switch value {
        case .hours(let hours): return hours * 60
        case .unlimited: return nil
        }
    }

    /// The project as the domain sees one account: its users (coordinators as PIs), their QOS as permissions,
    /// GrpTRESMins as hour limits, and the users who cannot be removed because it is their only account.
    static func project(
        _ account: SlurmAccountState, caller: String, users: [String: SlurmUserState], cluster: String
    ) -> ObservedProject {
        let coordinators = Set(account.coordinators)
        var members: [String: Role?] = [:]
        var permissions: [String: Set<String>] = [:]
        var limits: [String: [LimitResource: LimitValue]] = [:]
        var blocked: [String: String] = [:]
        let own = Self.limits(account.association.grpTRESMins)
        if !own.isEmpty { limits[""] = own }
        for (user, association) in account.users {
            members[user] = .some(coordinators.contains(user) ? .pi : .member)
            for qos in association.qos { permissions[qos, default: []].insert(user) }
            let userLimits = Self.limits(association.grpTRESMins)
            if !userLimits.isEmpty { limits[user] = userLimits }
            if let state = users[user], state.accounts.allSatisfy({ $0 == account.name }) {
                blocked[user] =
                    "\(account.name) is their only account on \(cluster) and Slurm wants every user to keep a "
                    + "default account; give them another account first, or delete the user by hand"
            }
        }
        let callerRole: Role? = coordinators.contains(caller) ? .pi : account.users[caller] == nil ? nil : .member
        return ObservedProject(
            members: members, permissions: permissions, limits: limits,
            joinerPermissions: Set(account.association.qos), removalBlocked: blocked,
            callerCanManage: coordinators.contains(caller) ? true : nil, callerRole: callerRole)
    }
}

extension SlurmSnapshot {
    /// The allocation figures of a snapshot taken for `teamctl usage`: per account, GrpTRESMins as hours given and
    /// used minutes as hours used (the account's and the caller's own association), and every user's own; nil
    /// for a snapshot without usage.
    func usageObservation(facility: String, caller: String, at fetchedAt: Double) -> UsageObservation? {
        guard let usage else { return nil }
        func hours(_ minutes: Int64?) -> Double? { minutes.map { Double($0) / 60 } }
        let projects = accounts.keys.sorted().compactMap { name -> UsageObservation.Project? in
            guard let account = accounts[name], let used = usage[name] else { return nil }
            let mine = account.users[caller]
            func figures(_ tres: String) -> UsageObservation.Hours {
                UsageObservation.Hours(
                    projectGiven: hours(account.association.grpTRESMins[tres]),
                    projectUsed: hours(used.account[tres] ?? 0),
                    callerGiven: mine.flatMap { hours($0.grpTRESMins[tres]) },
                    callerUsed: mine == nil ? nil : hours(used.users[caller]?[tres] ?? 0))
            }
            let members = Set(account.users.keys).union(used.users.keys).sorted().map { user in
                let limits = account.users[user]?.grpTRESMins ?? [:]
                return UsageObservation.Member(
                    user: user, cpuUsed: hours(used.users[user]?["cpu"] ?? 0), cpuLimit: hours(limits["cpu"]),
                    gpuUsed: hours(used.users[user]?["gres/gpu"] ?? 0), gpuLimit: hours(limits["gres/gpu"]))
            }
            let coordinators = Set(account.coordinators)
            return UsageObservation.Project(
                name: name, description: "Slurm account on \(cluster)",
                callerRole: coordinators.contains(caller) ? "coordinator" : mine == nil ? nil : "member",
                cpu: figures("cpu"), gpu: figures("gres/gpu"), members: members)
        }
        return UsageObservation(fetchedAt: fetchedAt, facility: facility, caller: caller, projects: projects)
    }
}
