import AccountModels
import Foundation

/// What one read of CSCS found: the systems' health, the caller as the configured system sees them (user, groups,
/// accounts), and who has compute usage on each account read. Stored in the cache as the snapshot's document;
/// holds no secret and no token.
public struct FirecRESTSnapshot: Sendable, Hashable, Codable {
    /// The system the profile names.
    public var system: String
    /// Every system FirecREST listed, with its services' health.
    public var systems: [FirecRESTClient.System]
    /// The caller on ``system``.
    public var caller: FirecRESTClient.UserInfo
    /// The accounts read, lower-case.
    public var accounts: [String]
    /// Per account, who has compute usage on it since ``usageSince`` (from the Alps Accounting API).
    public var usersWithUsage: [String: [String]]
    /// Per account, the usage figures, when the snapshot was taken for `teamctl usage`.
    public var usage: [String: AccountUsage]?
    /// The first day the usage covers, `YYYY-MM-DD` (1 January of the year, UTC).
    public var usageSince: String?
    /// The account's allocation in node and CPU hours as the profile states it (no API has it).
    public var allocationNodeHours: Double?
    public var allocationCPUHours: Double?

    /// Creates a snapshot.
    public init(
        system: String, systems: [FirecRESTClient.System], caller: FirecRESTClient.UserInfo, accounts: [String],
        usersWithUsage: [String: [String]]
    ) {
        self.system = system
        self.systems = systems
        self.caller = caller
        self.accounts = accounts.sorted()
        self.usersWithUsage = usersWithUsage
    }

    /// One account's compute use: its total and each user's, summed over clusters and days (or months).
    public struct AccountUsage: Sendable, Hashable, Codable {
        public var nodeHours: Double
        public var cpuHours: Double
        public var users: [String: Figures]

        /// One user's figures.
        public struct Figures: Sendable, Hashable, Codable {
            public var nodeHours: Double
            public var cpuHours: Double
            public var jobs: Int
        }

        /// Sums records of one account: each user's node hours, CPU hours and jobs, and the account's totals.
        public init(records: [FirecRESTClient.UsageRecord]) {
            var users: [String: Figures] = [:]
            for record in records {
                var figures = users[record.user] ?? Figures(nodeHours: 0, cpuHours: 0, jobs: 0)
                figures.nodeHours += record.nodeHours
                figures.cpuHours += record.cpuHours
                // Saturating: a hostile count must not overflow (a trap).
                let (jobs, overflow) = figures.jobs.addingReportingOverflow(record.jobs)
                figures.jobs = overflow ? (record.jobs < 0 ? .min : .max) : jobs
                users[record.user] = figures
            }
            self.users = users
            self.nodeHours = records.reduce(0) { $0 + $1.nodeHours }
            self.cpuHours = records.reduce(0) { $0 + $1.cpuHours }
        }
    }
}

extension FirecRESTSnapshot {
    /// The allocation figures of a snapshot taken for `teamctl usage`: per account, CPU hours used (the sum of the
    /// Alps records) and each member's; the CPU allocation when the profile states one. Node hours, the unit CSCS
    /// allocates in, have no column in a usage report: they are in the project's description. Nil for a snapshot
    /// without usage.
    func usageObservation(facility: String, caller user: String, at fetchedAt: Double) -> UsageObservation? {
        guard let usage else { return nil }
        let mine = Set(caller.accounts ?? [])
        let projects = usage.keys.sorted().compactMap { name -> UsageObservation.Project? in
            guard let account = usage[name] else { return nil }
            let own = account.users[user]
            let members = account.users.keys.sorted().map { member in
                UsageObservation.Member(user: member, cpuUsed: account.users[member]?.cpuHours ?? 0)
            }
            var description = "CSCS project on \(system): \(Self.hours(account.nodeHours)) node hours used"
            if let given = allocationNodeHours { description += " of \(Self.hours(given))" }
            if let usageSince { description += " since \(usageSince)" }
            return UsageObservation.Project(
                name: name, description: description, callerRole: mine.contains(name) ? "member" : nil,
                cpu: UsageObservation.Hours(
                    projectGiven: allocationCPUHours, projectUsed: account.cpuHours, callerGiven: nil,
                    callerUsed: own?.cpuHours ?? (mine.contains(name) ? 0 : nil)),
                gpu: UsageObservation.Hours(), members: members)
        }
        return UsageObservation(fetchedAt: fetchedAt, facility: facility, caller: user, projects: projects)
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
