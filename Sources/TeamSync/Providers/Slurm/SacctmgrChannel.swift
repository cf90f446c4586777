import Foundation

/// The Slurm accounting channel over the local `sacctmgr` (and `sreport` for usage), for sites where slurmrestd is
/// not offered or where its writes are unsafe (22.05, `shared/reference/slurm.md` §9).
///
/// Each call runs the configured executable directly with its arguments as an array, never through a shell, with
/// parsable output (`-n -P`) for reads and `-i` (no confirmation) for writes. Who acts is whoever runs the program:
/// munge identifies the Unix user, so a coordinator runs it as herself. sacctmgr's `modify` changes only the fields
/// it is given, and only the TRES named in `GrpTRESMins=`, so no limit the caller did not name is touched.
public struct SacctmgrChannel: SlurmAccounting {
    /// The cluster every call acts on.
    public let cluster: String
    /// The sacctmgr executable (the real one, or a wrapper that runs it elsewhere).
    public let sacctmgr: String
    /// The sreport executable used for usage.
    public let sreport: String
    public let channelDescription: String
    private let process: SacctmgrProcess

    /// Creates a channel.
    /// - Parameters:
    ///   - sacctmgr: Path of the sacctmgr executable or a wrapper with the same arguments.
    ///   - sreport: Path of sreport; by default the `sreport` beside `sacctmgr`.
    ///   - cluster: The Slurm cluster name.
    ///   - environment: Variables set for every run on top of this process's (e.g. `SLURM_CONF`).
    ///   - timeout: How long one run may take before it is stopped and reported as ``SlurmError/Kind/unavailable``.
    ///   - description: How messages name the channel; by default `sacctmgr` and its path.
    public init(
        sacctmgr: String, sreport: String? = nil, cluster: String, environment: [String: String] = [:],
        timeout: Duration = .seconds(60), description: String? = nil, refusesWrites: Bool = false
    ) {
        self.sacctmgr = sacctmgr
        self.sreport =
            sreport ?? URL(fileURLWithPath: sacctmgr).deletingLastPathComponent().appendingPathComponent("sreport").path
        self.cluster = cluster.lowercased()
        self.process = SacctmgrProcess(environment: environment, timeout: timeout, refusesWrites: refusesWrites)
        self.channelDescription = description ?? "sacctmgr (\(sacctmgr))"
    }

    /// The version sacctmgr reports, e.g. `22.05.8`.
    public func version() async throws -> String {
        let output = try await process.run(sacctmgr, ["-V"])
        guard output.status == 0 else { throw SacctmgrParsing.error(output, doing: "run sacctmgr -V") }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "slurm-wlm ", with: "").replacingOccurrences(of: "slurm ", with: "")
    }

    public func ping() async throws {
        let rows = try await read(["show", "cluster", "format=cluster"], fields: 1, doing: "list clusters")
        guard rows.contains(where: { $0[0].lowercased() == cluster }) else {
            throw SlurmError(
                .notFound, "slurmdbd answers but has no cluster \(cluster) (sacctmgr -i add cluster \(cluster)).")
        }
    }

    public func readAccount(_ account: String) async throws -> SlurmAccountState? {
        let account = try naming.account(account)
        // One `show assoc` for the account's association and its users' (partition "" only), the coordinators,
        // and which of those associations are their users' default; the three run at once.
        async let associations = read(
            [
                "show", "assoc", "where", "account=\(account)", "cluster=\(cluster)",
                "format=account,user,partition,qos,defaultqos,grptresmins",
            ],
            fields: 6, doing: "read account \(account)")
        async let coordinatorRows = read(
            ["show", "account", "withcoord", "where", "name=\(account)", "format=account,coordinators"],
            fields: 2, doing: "read the coordinators of \(account)")
        async let defaultRows = read(
            ["show", "assoc", "where", "account=\(account)", "cluster=\(cluster)", "onlydefaults", "format=user"],
            fields: 1, doing: "read which users have \(account) as default account")

        let defaults = Set(try await defaultRows.map { $0[0].lowercased() }.filter { !$0.isEmpty })
        var own: SlurmAssociation?
        var users: [String: SlurmAssociation] = [:]
        for row in try await associations where row[0].lowercased() == account && row[2].isEmpty {
            let user = row[1].lowercased()
            let association = SlurmAssociation(
                account: account, user: user, qos: SacctmgrParsing.list(row[3]),
                defaultQOS: row[4].isEmpty ? nil : row[4].lowercased(),
                isDefault: !user.isEmpty && defaults.contains(user), grpTRESMins: SacctmgrParsing.tres(row[5]))
            if user.isEmpty { own = association } else { users[user] = association }
        }
        let coordinators = try await coordinatorRows.filter { $0[0].lowercased() == account }
            .flatMap { SacctmgrParsing.list($0[1]) }
        guard let own else { return nil }
        return SlurmAccountState(
            name: account, association: own, users: users, coordinators: Array(Set(coordinators)).sorted())
    }

    public func qosNames() async throws -> Set<String> {
        let rows = try await read(["show", "qos", "format=name"], fields: 1, doing: "list QOS")
        return Set(rows.map { $0[0].lowercased() }.filter { !$0.isEmpty })
    }

    public func users(_ names: [String]) async throws -> [String: SlurmUserState] {
        // A name that is not one (from the facility itself) is not asked about: it has no user state here, and the
        // planner refuses a plan that would name it.
        let names = Array(Set(names.filter { naming.problem(with: $0, as: .username) == nil })).sorted()
        guard !names.isEmpty else { return [:] }
        // Users and their associations are read separately: `show user withassoc` for a user left without a
        // default account (22.05 allows that) was seen to crash slurmdbd 22.05.8.
        async let userRows = read(
            ["show", "user", "where", "name=\(names.joined(separator: ","))", "format=user,defaultaccount"],
            fields: 2, doing: "read users")
        async let associationRows = read(
            [
                "show", "assoc", "where", "user=\(names.joined(separator: ","))", "cluster=\(cluster)",
                "format=user,account,partition",
            ],
            fields: 3, doing: "read the users' associations")
        var result: [String: SlurmUserState] = [:]
        for row in try await userRows {
            let user = row[0].lowercased()
            guard names.contains(user) else { continue }
            result[user] = SlurmUserState(
                name: user, defaultAccount: row[1].isEmpty ? nil : row[1].lowercased(), accounts: [])
        }
        for row in try await associationRows {
            let (user, account) = (row[0].lowercased(), row[1].lowercased())
            guard var state = result[user], !account.isEmpty, !state.accounts.contains(account) else { continue }
            state.accounts = (state.accounts + [account]).sorted()
            result[user] = state
        }
        return result
    }

    public func addUsers(_ users: [SlurmNewAssociation], account: String) async throws {
        let account = try naming.account(account)
        // One `add user` per distinct (QOS, limits), so a roster with the same settings is one run.
        let groups = Dictionary(grouping: users) { GroupKey(qos: $0.qos, grpTRESMins: $0.grpTRESMins) }
        for key in groups.keys.sorted(by: { $0.sortKey < $1.sortKey }) {
            let members = try groups[key, default: []].map { try naming.user($0.user) }.sorted()
            var arguments = ["add", "user", members.joined(separator: ","), "account=\(account)", "cluster=\(cluster)"]
            let qos = try key.qos.map { try naming.account($0, as: .permission) }
            if !qos.isEmpty { arguments.append("qos=\(qos.joined(separator: ","))") }
            if !key.grpTRESMins.isEmpty {
                arguments.append("grptresmins=\(SacctmgrParsing.tresArgument(key.grpTRESMins.mapValues { $0 }))")
            }
            let action = "add \(members.joined(separator: ", ")) to \(account)"
            let output = try await process.run(sacctmgr, ["-i"] + arguments)
            if output.status == 0 { continue }
            guard SacctmgrParsing.saysAssociationsExist(output.combined) else {
                throw SacctmgrParsing.error(output, doing: action)
            }
            // Every association already existed (sacctmgr adds what is missing and says so otherwise): what was
            // asked for still has to hold, so apply the QOS and limits as a change.
            if !qos.isEmpty || !key.grpTRESMins.isEmpty {
                let change = SlurmAssociationChange(
                    qos: qos.isEmpty ? nil : qos, grpTRESMins: key.grpTRESMins.mapValues { $0 })
                try await modifyAssociations(
                    account: account, changes: Dictionary(uniqueKeysWithValues: members.map { ($0, change) }))
            }
        }
    }

    public func removeUsers(_ users: [String], account: String) async throws {
        let account = try naming.account(account)
        let users = try Array(Set(users.map(naming.user))).sorted()
        guard !users.isEmpty else { return }
        // A user's default account goes only with the user's last association, on every version: 24.11 refuses
        // otherwise, and 22.05 allows it but leaves the user without a default, after which `show user withassoc`
        // for that user was seen to crash slurmdbd 22.05.8. Checked before anything is deleted.
        let defaults = try await read(
            ["show", "assoc", "where", "account=\(account)", "cluster=\(cluster)", "onlydefaults", "format=user"],
            fields: 1, doing: "read which users have \(account) as default account"
        ).map { $0[0].lowercased() }
        let affected = users.filter(defaults.contains)
        if !affected.isEmpty {
            let rows = try await read(
                [
                    "show", "assoc", "where", "user=\(affected.joined(separator: ","))", "cluster=\(cluster)",
                    "format=user,account",
                ],
                fields: 2, doing: "read the accounts of \(affected.joined(separator: ", "))")
            let keeping = affected.filter { user in
                rows.contains { $0[0].lowercased() == user && !$0[1].isEmpty && $0[1].lowercased() != account }
            }
            if !keeping.isEmpty {
                throw SlurmError(
                    .defaultAccount,
                    "Cannot remove \(keeping.joined(separator: ", ")) from \(account): it is their default account "
                        + "and they have other accounts. Set another default account first.")
            }
        }
        try await write(
            [
                "delete", "user", "where", "name=\(users.joined(separator: ","))", "account=\(account)",
                "cluster=\(cluster)",
            ],
            doing: "remove \(users.joined(separator: ", ")) from \(account)")
    }

    public func modifyAssociations(account: String, changes: [String: SlurmAssociationChange]) async throws {
        let account = try naming.account(account)
        var wanted: [String: SlurmAssociationChange] = [:]
        for (user, change) in changes { wanted[user.isEmpty ? "" : try naming.user(user)] = change }
        func what(_ member: String) -> String { member.isEmpty ? "account \(account)" : "\(member) in \(account)" }
        // sacctmgr sets only the fields named, so no merge is needed, except to turn a QOS added or taken into the
        // whole list (not `qos+=`, which stores a delta on the inherited list, unlike a list set by REST or by hand):
        // that needs the current lists, read once.
        let needsState = wanted.values.contains { !$0.addingQOS.isEmpty || !$0.removingQOS.isEmpty }
        let state = needsState ? try await readAccount(account) : nil
        if needsState && state == nil {
            throw SlurmError(.notFound, "account \(account) does not exist on cluster \(cluster)")
        }
        var missing: [String] = []
        var expectedQOS: [String: [String]] = [:]
        var groups: [[String]: [String]] = [:]  // the `set` arguments -> the members that get them
        for member in wanted.keys.sorted() {
            guard let change = wanted[member] else { continue }
            var settings: [String] = []
            if change.changesQOS {
                var list: [String]?
                if change.addingQOS.isEmpty && change.removingQOS.isEmpty {
                    list = change.qos.map { $0.map { $0.lowercased() }.sorted() }
                } else {
                    guard let current = member.isEmpty ? state?.association : state?.users[member] else {
                        missing.append(member)
                        continue
                    }
                    list = change.qosList(from: current.qos)
                }
                if let list {
                    settings.append(
                        "qos=\(try list.map { try naming.account($0, as: .permission) }.joined(separator: ","))")
                    expectedQOS[member] = list
                }
            }
            if !change.grpTRESMins.isEmpty {
                for tres in change.grpTRESMins.keys { _ = try naming.tres(tres) }
                settings.append("grptresmins=\(SacctmgrParsing.tresArgument(change.grpTRESMins))")
            }
            if !settings.isEmpty { groups[settings, default: []].append(member) }
        }
        // One run per distinct setting: `modify user where user=A,B,C` takes a list.
        for (settings, members) in groups.sorted(by: { $0.value.first ?? "" < $1.value.first ?? "" }) {
            let users = members.filter { !$0.isEmpty }
            var runs: [(arguments: [String], members: [String])] = []
            if members.contains("") {
                runs.append(
                    (["modify", "account", "where", "name=\(account)", "cluster=\(cluster)", "set"] + settings, [""]))
            }
            if !users.isEmpty {
                runs.append(
                    (
                        [
                            "modify", "user", "where", "user=\(users.joined(separator: ","))", "account=\(account)",
                            "cluster=\(cluster)", "set",
                        ] + settings, users
                    ))
            }
            for run in runs {
                let target = run.members.map(what).joined(separator: ", ")
                let output = try await process.run(sacctmgr, ["-i"] + run.arguments)
                let unsure: [String]
                if output.status == 0 {
                    // sacctmgr lists every association the `where` matched; a user it does not list has none here.
                    let listed = SacctmgrParsing.modifiedUsers(output.combined)
                    unsure = run.members.filter { !$0.isEmpty && !listed.contains($0) }
                    if unsure.isEmpty { continue }
                } else {
                    guard
                        output.combined.contains("Nothing modified")
                            || output.combined.contains("didn't affect anything")
                    else { throw SacctmgrParsing.error(output, doing: "change \(target)") }
                    unsure = run.members
                }
                // "Nothing modified" means no row matched, or the values were already those, or (22.05, a plain
                // user) no right to change it. The associations themselves tell which.
                let now = try await readAccount(account)
                for member in unsure {
                    guard let current = member.isEmpty ? now?.association : now?.users[member] else {
                        missing.append(member)
                        continue
                    }
                    let change = wanted[member] ?? SlurmAssociationChange()
                    let qosHolds = expectedQOS[member].map { $0 == current.qos } ?? true
                    let limitsHold = change.grpTRESMins.allSatisfy {
                        current.grpTRESMins[$0.key.lowercased()] == $0.value
                    }
                    if !(qosHolds && limitsHold) {
                        throw SacctmgrParsing.error(output, doing: "change \(what(member))")
                    }
                }
            }
        }
        if !missing.isEmpty {
            throw SlurmError(
                .notFound,
                "Could not change \(missing.map(what).joined(separator: ", ")): there is no such association on "
                    + "\(cluster).")
        }
    }

    public func setDefaultAccount(user: String, account: String) async throws {
        let user = try naming.user(user)
        let account = try naming.account(account)
        try await write(
            ["modify", "user", "where", "name=\(user)", "cluster=\(cluster)", "set", "defaultaccount=\(account)"],
            doing: "make \(account) the default account of \(user)")
    }

    public func setDefaultAccounts(_ defaults: [String: String]) async throws {
        var byAccount: [String: [String]] = [:]
        for (user, account) in defaults where !user.isEmpty {
            byAccount[try naming.account(account), default: []].append(try naming.user(user))
        }
        // One run per account: `modify user where name=A,B` takes a list.
        for (account, users) in byAccount.sorted(by: { $0.key < $1.key }) {
            let users = users.sorted()
            try await write(
                [
                    "modify", "user", "where", "name=\(users.joined(separator: ","))", "cluster=\(cluster)", "set",
                    "defaultaccount=\(account)",
                ],
                doing: "make \(account) the default account of \(users.joined(separator: ", "))")
        }
    }

    public func addCoordinators(_ users: [String], account: String) async throws {
        let account = try naming.account(account)
        let users = try Array(Set(users.map(naming.user))).sorted()
        guard !users.isEmpty else { return }
        try await write(
            ["add", "coordinator", "names=\(users.joined(separator: ","))", "accounts=\(account)"],
            doing: "make \(users.joined(separator: ", ")) coordinator of \(account)")
    }

    public func removeCoordinators(_ users: [String], account: String) async throws {
        let account = try naming.account(account)
        let users = try Array(Set(users.map(naming.user))).sorted()
        guard !users.isEmpty else { return }
        try await write(
            ["delete", "coordinator", "names=\(users.joined(separator: ","))", "accounts=\(account)"],
            doing: "remove \(users.joined(separator: ", ")) as coordinator of \(account)")
    }

    public func usage(account: String, from start: Date, to end: Date) async throws -> SlurmUsage? {
        let account = try naming.account(account)
        // sreport reads dates in local time: give it UTC text and a UTC zone. It ends the period at the last full
        // hour. When associations are added or removed while it reads, it can leave out the account's own row
        // (its tree is built from the association table's nesting): then ask once more.
        var usage = SlurmUsage(account: [:], users: [:])
        for _ in 0..<3 {
            let output = try await process.run(
                sreport,
                [
                    "-n", "-P", "-t", "minutes", "-T", "cpu,gres/gpu", "cluster", "AccountUtilizationByUser",
                    "account=\(account)", "cluster=\(cluster)", "start=\(Self.sreportTime(start))",
                    "end=\(Self.sreportTime(end))", "format=account,login,tresname,used",
                ],
                extraEnvironment: ["TZ": "UTC"])
            guard output.status == 0 else {
                throw SacctmgrParsing.error(output, doing: "read the usage of \(account)")
            }
            usage = SacctmgrParsing.usage(output.stdout, account: account)
            if !usage.account.isEmpty || usage.users.isEmpty { break }
        }
        return usage
    }

    // MARK: - Running

    private func read(_ arguments: [String], fields: Int, doing action: String) async throws -> [[String]] {
        let output = try await process.run(sacctmgr, ["-n", "-P"] + arguments)
        guard output.status == 0 else { throw SacctmgrParsing.error(output, doing: action) }
        return SacctmgrParsing.rows(output.stdout, fields: fields)
    }

    /// Runs a write; "Nothing new added", "Nothing deleted" and "Nothing removed" mean it already holds.
    private func write(_ arguments: [String], doing action: String) async throws {
        let output = try await process.run(sacctmgr, ["-i"] + arguments)
        if output.status == 0 || SacctmgrParsing.saysNothingChanged(output.combined) { return }
        throw SacctmgrParsing.error(output, doing: action)
    }

    /// The names sacctmgr is given: each is checked (``SlurmNaming``) before it goes on a command line, so none can
    /// change its meaning (a comma makes a list, `=` or a space another argument) or be folded onto another user.
    private var naming: SlurmNaming { SlurmNaming() }

    private static func sreportTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
    }
}

private struct GroupKey: Hashable {
    var qos: [String]
    var grpTRESMins: [String: Int64]
    var sortKey: String { qos.joined(separator: ",") + "|" + grpTRESMins.keys.sorted().joined(separator: ",") }
}

extension SacctmgrParsing {
    /// `sreport -n -P cluster AccountUtilizationByUser format=account,login,tresname,used` rows for one account:
    /// the row with an empty login is the account's total, the others its users'. Minutes by TRES name.
    static func usage(_ text: String, account: String) -> SlurmUsage {
        var total: [String: Int64] = [:]
        var users: [String: [String: Int64]] = [:]
        for row in rows(text, fields: 4) where row[0].lowercased() == account {
            let tres = row[2].lowercased()
            guard !tres.isEmpty, let minutes = Int64(row[3]) else { continue }
            let login = row[1].lowercased()
            // Saturating: a hostile or broken answer must not overflow (a trap); the report leaves such a figure out.
            func add(_ value: Int64) -> Int64 {
                let (sum, overflow) = value.addingReportingOverflow(minutes)
                return overflow ? (minutes < 0 ? .min : .max) : sum
            }
            if login.isEmpty {
                total[tres] = add(total[tres, default: 0])
            } else {
                users[login, default: [:]][tres] = add(users[login]?[tres] ?? 0)
            }
        }
        return SlurmUsage(account: total, users: users)
    }
}
