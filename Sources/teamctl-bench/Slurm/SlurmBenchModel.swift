import FacilityEmulator
import Foundation

/// The Slurm state the `slurm` bench works with, as far as teamctl manages it: per account its own GrpTRESMins,
/// its user associations (effective QOS list and GrpTRESMins) and its direct coordinators; per user the default
/// account. Limits are minutes by TRES name (`cpu`, `gres/gpu`), as sacctmgr prints them.
struct SlurmBenchState: Hashable, Sendable {
    struct Association: Hashable, Sendable {
        /// The effective QOS list (`normal` when inherited from the cluster).
        var qos: Set<String> = ["normal"]
        var limits: [String: Int64] = [:]
    }

    struct Account: Hashable, Sendable {
        var limits: [String: Int64] = [:]
        var users: [String: Association] = [:]
        var coordinators: Set<String> = []
    }

    var accounts: [String: Account] = [:]
    /// Default account of every user that has an association under one of the accounts.
    var defaults: [String: String] = [:]

    /// Number of user associations.
    var associationCount: Int { accounts.values.reduce(0) { $0 + $1.users.count } }

    /// Every user with an association here, and the accounts they are in.
    var accountsOfUser: [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for (name, account) in accounts {
            for user in account.users.keys { result[user, default: []].insert(name) }
        }
        return result
    }

    /// Lines that differ from `other`, for a failure message (at most `limit`).
    func differences(from other: SlurmBenchState, limit: Int = 12) -> [String] {
        var lines: [String] = []
        for name in Set(accounts.keys).union(other.accounts.keys).sorted() {
            let mine = accounts[name], theirs = other.accounts[name]
            guard let mine, let theirs else {
                lines.append("account \(name): \(mine == nil ? "missing" : "unexpected")")
                continue
            }
            if mine.limits != theirs.limits {
                lines.append("account \(name) limits \(mine.limits) vs \(theirs.limits)")
            }
            if mine.coordinators != theirs.coordinators {
                lines.append(
                    "account \(name) coordinators \(mine.coordinators.sorted()) vs \(theirs.coordinators.sorted())")
            }
            for user in Set(mine.users.keys).union(theirs.users.keys).sorted()
            where mine.users[user] != theirs.users[user] {
                lines.append(
                    "\(user) in \(name): \(String(describing: mine.users[user])) vs \(String(describing: theirs.users[user]))"
                )
            }
        }
        for user in Set(defaults.keys).union(other.defaults.keys).sorted() where defaults[user] != other.defaults[user]
        {
            lines.append("default account of \(user): \(defaults[user] ?? "none") vs \(other.defaults[user] ?? "none")")
        }
        return Array(lines.prefix(limit)) + (lines.count > limit ? ["... \(lines.count - limit) more"] : [])
    }
}

/// One change as a person would make it by hand: one association, one QOS, one limit or one coordinator. The
/// naive script makes one `sacctmgr -i` call for each (plus one to move a default account away before a removal).
enum SlurmAtomicChange: Hashable, Sendable {
    case addUser(user: String, account: String, qos: Set<String>, limits: [String: Int64])
    case removeUser(user: String, account: String, newDefault: String?)
    case grantQOS(user: String, account: String, qos: String)
    case revokeQOS(user: String, account: String, qos: String)
    case setUserLimit(user: String, account: String, tres: String, minutes: Int64)
    case setAccountLimit(account: String, tres: String, minutes: Int64)
    case addCoordinator(user: String, account: String)
    case removeCoordinator(user: String, account: String)

    /// The account the change is in.
    var account: String {
        switch self {
        case .addUser(_, let a, _, _), .removeUser(_, let a, _), .grantQOS(_, let a, _), .revokeQOS(_, let a, _),
            .setUserLimit(_, let a, _, _), .setAccountLimit(let a, _, _), .addCoordinator(_, let a),
            .removeCoordinator(_, let a):
            return a
        }
    }

    var kind: String {
        switch self {
        case .addUser: return "add association"
        case .removeUser: return "remove association"
        case .grantQOS: return "grant QOS"
        case .revokeQOS: return "revoke QOS"
        case .setUserLimit: return "user limit"
        case .setAccountLimit: return "account limit"
        case .addCoordinator: return "add coordinator"
        case .removeCoordinator: return "remove coordinator"
        }
    }
}

/// The changes teamctl's planner makes for one account (one per target and kind, as `plan --format json` lists them).
struct SlurmPlannedChanges: Sendable {
    var addToProject = 0
    var removeFromProject = 0
    /// Removal changes in which at least one user leaves their default account.
    var removalsMovingDefaults = 0
    /// Per removal change, how many distinct accounts become someone's default.
    var distinctNewDefaults = 0
    var setRole = 0
    var grants = 0
    var revokes = 0
    /// Users named in grant and revoke changes (association writes when done one at a time).
    var permissionUsers = 0
    var setLimit = 0

    var total: Int { addToProject + removeFromProject + setRole + grants + revokes + setLimit }

    static func + (a: Self, b: Self) -> Self {
        var r = a
        r.addToProject += b.addToProject
        r.removeFromProject += b.removeFromProject
        r.removalsMovingDefaults += b.removalsMovingDefaults
        r.distinctNewDefaults += b.distinctNewDefaults
        r.setRole += b.setRole
        r.grants += b.grants
        r.revokes += b.revokes
        r.permissionUsers += b.permissionUsers
        r.setLimit += b.setLimit
        return r
    }
}

/// The generated Slurm L workload: the seeded state, the desired state the manifests describe, and the changes
/// between them.
struct SlurmBenchWorkload: Sendable {
    let prefix: String
    let cluster: String
    let accountNames: [String]
    let seed: SlurmBenchState
    let desired: SlurmBenchState
    /// Which coordinators the manifests call `pi_proxy` (the rest `pi`).
    let proxies: Set<String>
    let changes: [SlurmAtomicChange]
    /// QOS the manifests are authoritative over.
    static let managedQOS = ["long", "premium"]

    /// Users are `PREFIXu00000...`, accounts `PREFIX000...`, newcomers `PREFIXn0000...`.
    static func generate(
        prefix: String, cluster: String, accounts: Int, users: Int, overlap: Int, drift: Double, seed rngSeed: UInt64
    ) -> SlurmBenchWorkload {
        var rng = SplitMix64(seed: rngSeed)
        let accountNames = (0..<accounts).map { prefix + String(format: "%03d", $0) }
        let userNames = (0..<users).map { prefix + "u" + String(format: "%05d", $0) }
        let overlap = min(overlap, accounts)
        let step = max(1, accounts / overlap)

        // Seed: user i is in `overlap` accounts spread over the list; the first is their default.
        var seed = SlurmBenchState()
        for name in accountNames { seed.accounts[name] = .init() }
        for (index, user) in userNames.enumerated() {
            let home = index % accounts
            for k in 0..<overlap {
                let account = accountNames[(home + k * step) % accounts]
                var association = SlurmBenchState.Association()
                if Double.random(in: 0..<1, using: &rng) < 0.12 { association.qos.insert("premium") }
                if Double.random(in: 0..<1, using: &rng) < 0.08 { association.qos.insert("long") }
                if Double.random(in: 0..<1, using: &rng) < 0.25 {
                    association.limits["cpu"] = [500, 1000, 2000].randomElement(using: &rng)! * 60
                }
                if Double.random(in: 0..<1, using: &rng) < 0.08 {
                    association.limits["gres/gpu"] = [50, 100].randomElement(using: &rng)! * 60
                }
                seed.accounts[account]!.users[user] = association
            }
            seed.defaults[user] = accountNames[home]
        }
        for (index, name) in accountNames.enumerated() {
            if index % 2 == 0 { seed.accounts[name]!.limits["cpu"] = 100_000 * 60 }
            let members = seed.accounts[name]!.users.keys.sorted()
            seed.accounts[name]!.coordinators = Set(members.shuffled(using: &rng).prefix(2))
        }

        // Drift, per account, about `drift` of its associations: a quarter additions, a quarter removals, 15% QOS
        // grants, 15% revocations, 20% limit changes; plus a coordinator added in one account in ten, one removed in
        // another one in ten, and the account's own limit changed in a third one in ten. Each user is added at most
        // once and removed at most once overall (never both), so default accounts move the same way in every variant.
        var desired = seed
        var changes: [SlurmAtomicChange] = []
        var addedSomewhere: Set<String> = []
        var removedSomewhere: Set<String> = []
        var newcomers = 0
        let seedAccountsOfUser = seed.accountsOfUser
        for (index, name) in accountNames.enumerated() {
            var account = desired.accounts[name]!
            let size = Double(account.users.count)
            let count = { (share: Double) in max(1, Int((size * drift * share).rounded())) }
            var pool = account.users.keys.sorted().filter { !account.coordinators.contains($0) }.shuffled(using: &rng)
            var touched: Set<String> = []
            func take(_ n: Int, where ok: (String) -> Bool) -> [String] {
                var picked: [String] = []
                var rest: [String] = []
                for user in pool {
                    if picked.count < n, !touched.contains(user), ok(user) {
                        picked.append(user)
                    } else {
                        rest.append(user)
                    }
                }
                pool = rest
                touched.formUnion(picked)
                return picked
            }
            // Removals: people with another account, removed nowhere else and added nowhere.
            for user in take(
                count(0.25),
                where: {
                    !removedSomewhere.contains($0) && !addedSomewhere.contains($0)
                        && (seedAccountsOfUser[$0]?.count ?? 0) > 1
                })
            {
                removedSomewhere.insert(user)
                account.users[user] = nil
                var newDefault: String?
                if desired.defaults[user] == name {
                    newDefault = seedAccountsOfUser[user]!.subtracting([name]).sorted().first
                    desired.defaults[user] = newDefault
                }
                changes.append(.removeUser(user: user, account: name, newDefault: newDefault))
            }
            // Additions: existing users not in the account (added nowhere else, removed nowhere), and two newcomers.
            let adds = count(0.25)
            var joiners: [String] = []
            for user in userNames.shuffled(using: &rng) where joiners.count < adds - 2 {
                if account.users[user] == nil, !addedSomewhere.contains(user), !removedSomewhere.contains(user) {
                    joiners.append(user)
                }
            }
            for _ in 0..<min(2, adds) {
                let user = prefix + "n" + String(format: "%04d", newcomers)
                newcomers += 1
                joiners.append(user)
                desired.defaults[user] = name
            }
            for user in joiners {
                addedSomewhere.insert(user)
                touched.insert(user)
                var association = SlurmBenchState.Association()
                if Double.random(in: 0..<1, using: &rng) < 0.15 { association.qos.insert("premium") }
                if Double.random(in: 0..<1, using: &rng) < 0.25 { association.limits["cpu"] = 1000 * 60 }
                account.users[user] = association
                changes.append(.addUser(user: user, account: name, qos: association.qos, limits: association.limits))
            }
            // QOS grants and revocations.
            for (offset, user) in take(count(0.15), where: { _ in true }).enumerated() {
                let qos = Self.managedQOS[offset % 2]
                guard !account.users[user]!.qos.contains(qos) else { continue }
                account.users[user]!.qos.insert(qos)
                changes.append(.grantQOS(user: user, account: name, qos: qos))
            }
            for user in take(count(0.15), where: { !account.users[$0]!.qos.isDisjoint(with: Self.managedQOS) }) {
                let qos = account.users[user]!.qos.intersection(Self.managedQOS).sorted().first!
                account.users[user]!.qos.remove(qos)
                changes.append(.revokeQOS(user: user, account: name, qos: qos))
            }
            // Limit changes: a new CPU limit, another CPU value, or (one in four) a GPU limit.
            for (offset, user) in take(count(0.2), where: { _ in true }).enumerated() {
                let tres = offset % 4 == 3 ? "gres/gpu" : "cpu"
                let current = account.users[user]!.limits[tres]
                let options: [Int64] = tres == "cpu" ? [500, 1000, 2000, 4000] : [50, 100, 200]
                let minutes = options.filter { $0 * 60 != current }.randomElement(using: &rng)! * 60
                account.users[user]!.limits[tres] = minutes
                changes.append(.setUserLimit(user: user, account: name, tres: tres, minutes: minutes))
            }
            if index % 10 == 1, let user = take(1, where: { _ in true }).first {
                account.coordinators.insert(user)
                changes.append(.addCoordinator(user: user, account: name))
            }
            if index % 10 == 6, let user = account.coordinators.sorted().first {
                account.coordinators.remove(user)
                changes.append(.removeCoordinator(user: user, account: name))
            }
            if index % 10 == 3 {
                let minutes = (account.limits["cpu"] ?? 0) + 20_000 * 60
                account.limits["cpu"] = minutes
                changes.append(.setAccountLimit(account: name, tres: "cpu", minutes: minutes))
            }
            desired.accounts[name] = account
        }
        var proxies: Set<String> = []
        for name in accountNames {
            for (offset, user) in desired.accounts[name]!.coordinators.sorted().enumerated() where offset % 2 == 1 {
                proxies.insert(name + "/" + user)
            }
        }
        return SlurmBenchWorkload(
            prefix: prefix, cluster: cluster, accountNames: accountNames, seed: seed, desired: desired,
            proxies: proxies, changes: changes)
    }

    // MARK: Manifests

    /// One manifest per account describing `desired`.
    func manifest(for name: String, facility: String) -> String {
        let account = desired.accounts[name]!
        func limitsText(_ limits: [String: Int64]) -> String {
            var parts: [String] = []
            if let cpu = limits["cpu"] { parts.append("cpu_hours: \(cpu / 60)") }
            if let gpu = limits["gres/gpu"] { parts.append("gpu_hours: \(gpu / 60)") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
        var lines = [
            "# teamctl-bench slurm: account \(name), the desired state (the seed with drift).", "version: 1",
            "facility: \(facility)", "project: \(name)",
        ]
        if !account.limits.isEmpty { lines.append("limits: " + limitsText(account.limits)) }
        lines.append("members:")
        for (user, association) in account.users.sorted(by: { $0.key < $1.key }) {
            var fields: [String] = []
            if account.coordinators.contains(user) {
                fields.append("role: " + (proxies.contains(name + "/" + user) ? "pi_proxy" : "pi"))
            }
            if !association.limits.isEmpty { fields.append("limits: " + limitsText(association.limits)) }
            lines.append("  \(user): {\(fields.joined(separator: ", "))}")
        }
        lines.append("permissions:")
        for qos in Self.managedQOS {
            let holders = account.users.filter { $0.value.qos.contains(qos) }.keys.sorted()
            lines.append("  \(qos): [\(holders.joined(separator: ", "))]")
        }
        lines.append("policy:")
        lines.append("  max_removals: 1000")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: The naive script

    /// A POSIX shell script making one `sacctmgr -i` call per change, account by account: additions, then QOS,
    /// limits and coordinators, then removals (each preceded by a call moving the default account away when the
    /// account is the user's default). `$1` is the sacctmgr to run.
    func naiveScript() -> (text: String, calls: Int) {
        var calls: [String] = []
        let c = "cluster=\(cluster)"
        func limitArg(_ limits: [String: Int64]) -> String {
            limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        let byAccount = Dictionary(grouping: changes, by: \.account)
        for name in accountNames {
            let list = byAccount[name] ?? []
            func order(_ change: SlurmAtomicChange) -> Int {
                switch change {
                case .addUser: return 0
                case .removeUser: return 2
                default: return 1
                }
            }
            for change in list.sorted(by: { order($0) < order($1) }) {
                switch change {
                case .addUser(let user, let account, let qos, let limits):
                    var line = "add user \(user) account=\(account) \(c)"
                    if qos != ["normal"] { line += " qos=\(qos.sorted().joined(separator: ","))" }
                    if !limits.isEmpty { line += " grptresmins=\(limitArg(limits))" }
                    calls.append(line)
                case .removeUser(let user, let account, let newDefault):
                    if let newDefault {
                        calls.append("modify user where name=\(user) \(c) set defaultaccount=\(newDefault)")
                    }
                    calls.append("delete user where name=\(user) account=\(account) \(c)")
                case .grantQOS(let user, let account, let qos):
                    calls.append("modify user where name=\(user) account=\(account) \(c) set qos+=\(qos)")
                case .revokeQOS(let user, let account, let qos):
                    calls.append("modify user where name=\(user) account=\(account) \(c) set qos-=\(qos)")
                case .setUserLimit(let user, let account, let tres, let minutes):
                    calls.append(
                        "modify user where name=\(user) account=\(account) \(c) set grptresmins=\(tres)=\(minutes)")
                case .setAccountLimit(let account, let tres, let minutes):
                    calls.append("modify account where name=\(account) \(c) set grptresmins=\(tres)=\(minutes)")
                case .addCoordinator(let user, let account):
                    calls.append("add coordinator names=\(user) accounts=\(account)")
                case .removeCoordinator(let user, let account):
                    calls.append("delete coordinator names=\(user) accounts=\(account)")
                }
            }
        }
        var text = """
            #!/bin/sh
            # teamctl-bench slurm: the naive reconciliation, one `sacctmgr -i` call per change (\(changes.count) changes,
            # \(calls.count) calls: a removal from someone's default account first moves the default away).
            # Usage: sh naive.sh SACCTMGR
            S="$1"
            failed=0
            run() { "$S" -i "$@" >/dev/null 2>&1 || { echo "failed: sacctmgr -i $*" >&2; failed=$((failed + 1)); }; }

            """
        for call in calls { text += "run \(call)\n" }
        text += "echo \"$failed call(s) failed\" >&2\n[ \"$failed\" -eq 0 ]\n"
        return (text, calls.count)
    }

    // MARK: What teamctl plans, and the minimum

    /// The changes teamctl's planner makes, mirrored from `ProjectPlanning` (one per target and kind).
    func plannedChanges() -> SlurmPlannedChanges {
        var total = SlurmPlannedChanges()
        let byAccount = Dictionary(grouping: changes, by: \.account)
        for name in accountNames {
            var p = SlurmPlannedChanges()
            var grants: [String: Int] = [:]
            var revokes: [String: Int] = [:]
            var newDefaults: Set<String> = []
            var movesDefault = false
            var roleAdds = false, roleRemoves = false
            for change in byAccount[name] ?? [] {
                switch change {
                case .addUser(_, _, let qos, let limits):
                    p.addToProject = 1
                    // A newcomer holds the account's QOS (normal): a managed QOS is a grant, a limit a setLimit.
                    for q in qos where q != "normal" { grants[q, default: 0] += 1 }
                    p.setLimit += limits.count
                case .removeUser(_, _, let newDefault):
                    p.removeFromProject = 1
                    if let newDefault {
                        movesDefault = true
                        newDefaults.insert(newDefault)
                    }
                case .grantQOS(_, _, let q): grants[q, default: 0] += 1
                case .revokeQOS(_, _, let q): revokes[q, default: 0] += 1
                case .setUserLimit, .setAccountLimit: p.setLimit += 1
                case .addCoordinator: roleAdds = true
                case .removeCoordinator: roleRemoves = true
                }
            }
            p.grants = grants.count
            p.revokes = revokes.count
            p.permissionUsers = grants.values.reduce(0, +) + revokes.values.reduce(0, +)
            p.setRole = (roleAdds ? 1 : 0) + (roleRemoves ? 1 : 0)
            p.removalsMovingDefaults = movesDefault ? 1 : 0
            p.distinctNewDefaults = newDefaults.count
            total = total + p
        }
        return total
    }

    /// Counts of each kind of per-association change.
    var changeCounts: [(String, Int)] {
        Dictionary(grouping: changes, by: \.kind).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
    }
}
