import Foundation

/// Slurm accounting through slurmrestd (`openapi/slurmdbd` data_parser v0.0.40–v0.0.42 on Slurm 23.11–25.05, or
/// `openapi/dbv0.0.38` on Slurm 22.05), implementing ``SlurmAccounting`` with every version's quirks handled here
/// (`../shared/reference/slurm.md` §3–§9):
///
/// - Authentication: `X-SLURM-USER-NAME` + `X-SLURM-USER-TOKEN`, the pair every version accepts (22.05 takes no
///   other). A token file is read again once when slurmrestd refuses the token.
/// - Every request goes through the given ``HTTPTransport``, so ``DryRunTransport`` refuses the writes.
/// - A change to an association reads it and sends back the whole record with the change merged in, so no limit
///   the caller did not name is lost; on dbv0.0.38 every set TRES list is sent, since leaving one out crashes
///   22.05's slurmrestd.
/// - What a version cannot do safely (an account-level association change or removing a coordinator on dbv0.0.38)
///   is never sent: it fails with ``SlurmError/Kind/unsupported`` naming the `sacctmgr` command to run instead.
public struct SlurmRESTChannel: SlurmAccounting {
    /// slurmrestd's base URL, e.g. `http://127.0.0.1:6820`.
    public let baseURL: URL
    /// The cluster every call acts on.
    public let cluster: String
    /// The user slurmrestd acts as (`X-SLURM-USER-NAME`).
    public let userName: String
    /// The API version in use.
    public let version: SlurmRESTVersion
    private let token: SlurmJWTSource
    private let transport: any HTTPTransport

    /// `slurmrestd v0.0.41`.
    public var channelDescription: String { "slurmrestd \(version.rawValue)" }

    /// Creates a channel speaking `apiVersion`, without asking the server. Refuses plain `http://` to a host that is
    /// not loopback.
    public init(
        baseURL: URL, cluster: String, userName: String, token: SlurmJWTSource, apiVersion: SlurmRESTVersion,
        transport: any HTTPTransport = URLSessionTransport()
    ) throws {
        self.baseURL = try Self.checked(baseURL)
        self.cluster = cluster.lowercased()
        self.userName = userName
        self.version = apiVersion
        self.token = token
        self.transport = transport
    }

    /// Creates a channel, detecting the newest version the server offers among ``SlurmRESTVersion/newestFirst``
    /// unless `apiVersion` forces one.
    public static func connect(
        baseURL: URL, cluster: String, userName: String, token: SlurmJWTSource, apiVersion: SlurmRESTVersion? = nil,
        transport: any HTTPTransport = URLSessionTransport()
    ) async throws -> SlurmRESTChannel {
        let url = try checked(baseURL)
        let version: SlurmRESTVersion
        if let apiVersion {
            version = apiVersion
        } else {
            version = try await detectVersion(baseURL: url, userName: userName, token: token, transport: transport)
        }
        return try SlurmRESTChannel(
            baseURL: url, cluster: cluster, userName: userName, token: token, apiVersion: version,
            transport: transport)
    }

    /// The newest version among ``SlurmRESTVersion/newestFirst`` that the server answers `GET tres/` for.
    ///
    /// Probing newest first costs one request on 23.11 and later and four on 22.05; the alternative, `GET /openapi/v3`,
    /// is about 1 MB on 24.11 and grows slurmrestd by 12 MB. `tres/` is readable by every user (a coordinator
    /// included; `diag/` needs an administrator). An unknown version is a 404; any other failure (a refused token,
    /// slurmdbd down) is reported as it is.
    public static func detectVersion(
        baseURL: URL, userName: String, token: SlurmJWTSource, transport: any HTTPTransport = URLSessionTransport()
    ) async throws -> SlurmRESTVersion {
        for candidate in SlurmRESTVersion.newestFirst {
            let probe = try SlurmRESTChannel(
                baseURL: baseURL, cluster: "", userName: userName, token: token, apiVersion: candidate,
                transport: transport)
            let answer = try await probe.send(.get, "tres/", action: "GET \(candidate.pathPrefix)/tres/")
            if answer.status == 404 { continue }
            guard answer.succeeded else {
                throw answer.error(
                    action: "GET \(candidate.pathPrefix)/tres/", actor: userName, endpoint: baseURL.redactedForLogs)
            }
            return candidate
        }
        let offered = SlurmRESTVersion.newestFirst.map(\.rawValue).joined(separator: ", ")
        throw SlurmError(
            .unsupported,
            "slurmrestd at \(baseURL.redactedForLogs) serves none of \(offered) under /slurmdb/ (Slurm 22.05 to 25.05 "
                + "do); is it started with the slurmdbd plugin (-s openapi/slurmdbd, or openapi/dbv0.0.38 on 22.05)?")
    }

    private static func checked(_ url: URL) throws -> URL {
        try ConnectionSettings.checkedURL(url.absoluteString, setting: "the slurmrestd URL")
    }

    // MARK: Reads

    public func ping() async throws {
        _ = try await getList("tres/", key: "TRES", action: "GET tres/ (ping)")
    }

    public func readAccount(_ account: String) async throws -> SlurmAccountState? {
        let name = try naming.account(account)
        // Two requests: the account (coordinators, with their `direct` flag) and its associations in full. No single
        // call holds both: account listings carry only association keys, association listings no coordinators.
        async let accountAnswer = self.accountRecord(name)
        async let associationsAnswer = self.associationRecords(account: name, users: nil)
        let (record, rows) = try await (accountAnswer, associationsAnswer)
        guard let record, let own = rows.first(where: SlurmRESTWire.isAccountRow) else { return nil }
        var users: [String: SlurmAssociation] = [:]
        for row in rows where !SlurmRESTWire.isAccountRow(row) && SlurmRESTWire.text(row["partition"]).isEmpty {
            let association = SlurmRESTWire.association(row)
            users[association.user] = association
        }
        return SlurmAccountState(
            name: name, association: SlurmRESTWire.association(own), users: users,
            coordinators: SlurmRESTWire.directCoordinators(record))
    }

    public func qosNames() async throws -> Set<String> {
        let list = try await getList("qos/", key: version.isLegacy ? "QOS" : "qos", action: "GET qos/")
        return Set(list.compactMap { $0["name"]?.string?.lowercased() })
    }

    public func users(_ names: [String]) async throws -> [String: SlurmUserState] {
        // A name that is not one (from the facility itself) is not asked about: it has no user state here, and the
        // planner refuses a plan that would name it.
        let wanted = Set(names.filter { naming.problem(with: $0, as: .username) == nil })
        guard !wanted.isEmpty else { return [:] }
        if version.isLegacy { return try await usersFromAssociations(wanted) }
        let records = try await userRecords(wanted)
        var result: [String: SlurmUserState] = [:]
        for record in records {
            guard let name = record["name"]?.string?.lowercased(), wanted.contains(name) else { continue }
            let accounts = (record["associations"]?.array ?? []).filter { SlurmRESTWire.text($0["cluster"]) == cluster }
                .map { SlurmRESTWire.text($0["account"]) }.filter { !$0.isEmpty }
            let defaultAccount = SlurmRESTWire.text(record.value(at: "default/account"))
            result[name] = SlurmUserState(
                name: name, defaultAccount: defaultAccount.isEmpty ? nil : defaultAccount,
                accounts: Array(Set(accounts)))
        }
        return result
    }

    /// dbv0.0.38: the users' associations on the cluster, in one request; the default account is the one flagged
    /// `is_default`. Not `GET users/`: on 22.05 listing users with their coordinators can crash slurmdbd (seen on
    /// this project's 22.05 stack, with `sacctmgr show user withassoc withcoord` too), while associations are read
    /// by another path. A user with no association on the cluster is absent.
    private func usersFromAssociations(_ wanted: Set<String>) async throws -> [String: SlurmUserState] {
        let rows = try await userAssociationRecords(wanted, onCluster: true)
        var accounts: [String: Set<String>] = [:]
        var defaults: [String: String] = [:]
        for row in rows {
            let user = SlurmRESTWire.text(row["user"]), account = SlurmRESTWire.text(row["account"])
            guard wanted.contains(user), !account.isEmpty else { continue }
            accounts[user, default: []].insert(account)
            if row["is_default"]?.flag ?? false { defaults[user] = account }
        }
        return Dictionary(
            uniqueKeysWithValues: accounts.map {
                ($0.key, SlurmUserState(name: $0.key, defaultAccount: defaults[$0.key], accounts: Array($0.value)))
            })
    }

    /// The association records of the given users, on the cluster or on every cluster.
    private func userAssociationRecords(_ users: Set<String>, onCluster: Bool) async throws -> [SlurmRESTJSON] {
        var query = "user=\(Self.encodedList(users.sorted()))"
        if onCluster { query += "&cluster=\(Self.encoded(cluster))" }
        return try await getList(
            "associations/", query: query, key: "associations", action: "GET associations of users"
        )
        .filter { !onCluster || SlurmRESTWire.text($0["cluster"]) == cluster }
    }

    public func usage(account: String, from start: Date, to end: Date) async throws -> SlurmUsage? {
        guard let flag = version.usageFlag else { return nil }
        let name = try naming.account(account)
        let query =
            "account=\(Self.encoded(name))&cluster=\(Self.encoded(cluster))&\(flag)"
            + "&usage_start=\(Self.slurmTime(start))&usage_end=\(Self.slurmTime(end))"
        let rows = try await getList("associations/", query: query, key: "associations", action: "GET usage of \(name)")
        var total: [String: Int64] = [:]
        var users: [String: [String: Int64]] = [:]
        // Saturating: a hostile or broken answer must not overflow (a trap); the report leaves such a figure out.
        func add(_ left: Int64, _ right: Int64) -> Int64 {
            let (sum, overflow) = left.addingReportingOverflow(right)
            return overflow ? (right < 0 ? .min : .max) : sum
        }
        for row in rows where SlurmRESTWire.text(row["account"]) == name {
            let minutes = SlurmRESTWire.usageMinutes(row)
            let user = SlurmRESTWire.text(row["user"])
            if user.isEmpty {
                if SlurmRESTWire.text(row["partition"]).isEmpty { total.merge(minutes, uniquingKeysWith: add) }
            } else {
                users[user, default: [:]].merge(minutes, uniquingKeysWith: add)
            }
        }
        return SlurmUsage(account: total, users: users)
    }

    // MARK: Writes

    public func addUsers(_ users: [SlurmNewAssociation], account: String) async throws {
        let name = try naming.account(account)
        let additions = try users.map {
            SlurmNewAssociation(
                user: try naming.user($0.user), qos: try $0.qos.map { try naming.account($0, as: .permission) },
                grpTRESMins: Dictionary(
                    try $0.grpTRESMins.map { (try naming.tres($0.key), $0.value) }, uniquingKeysWith: { $1 }))
        }
        guard !additions.isEmpty else { return }
        if version.isLegacy {
            try await addUsersLegacy(additions, account: name)
            return
        }
        // One users_association/ call per distinct (QOS, GrpTRESMins): the condition applies one association to all
        // its users. `"user": {}` leaves existing users' default account alone (a `defaultaccount` would switch it);
        // a new user gets this account as default.
        var groups: [(key: SlurmNewAssociation, users: [String])] = []
        for addition in additions {
            let key = SlurmNewAssociation(user: "", qos: addition.qos, grpTRESMins: addition.grpTRESMins)
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].users.append(addition.user)
            } else {
                groups.append((key, [addition.user]))
            }
        }
        for group in groups {
            var condition: [String: SlurmRESTJSON] = [
                "users": .array(group.users.map { .string($0) }), "accounts": [.string(name)],
                "clusters": [.string(cluster)],
            ]
            if let set = SlurmRESTWire.associationSet(qos: group.key.qos, grpTRESMins: group.key.grpTRESMins) {
                condition["association"] = set
            }
            let body: SlurmRESTJSON = ["association_condition": .object(condition), "user": .object([:])]
            let action = "POST users_association/ (\(group.users.joined(separator: ", ")) in \(name))"
            let answer = try await send(.post, "users_association/", body: body, action: action)
            try check(answer, action: action)
            if answer.isNotModified {
                // 304 also means "nothing created" for an unknown account or cluster (§4): make sure they exist.
                let rows = try await associationRecords(account: name, users: nil)
                guard rows.contains(where: SlurmRESTWire.isAccountRow) else {
                    throw SlurmError(
                        .notFound, "account \(name) does not exist on cluster \(cluster) (slurmrestd added nothing)")
                }
                let present = Set(rows.map { SlurmRESTWire.text($0["user"]) })
                let missing = group.users.filter { !present.contains($0) }
                if !missing.isEmpty {
                    throw SlurmError(
                        .failed,
                        "slurmrestd answered 304 (nothing changed) to \(action), yet \(missing.joined(separator: ", ")) "
                            + "has no association in \(name) on cluster \(cluster)")
                }
            }
        }
    }

    /// dbv0.0.38: POST users/ for users that do not exist yet, then POST associations/ for the missing associations.
    /// Existing users are never re-posted (that resets an administrator's AdminLevel, §4) and existing associations
    /// never re-posted (a POST to an existing one is a modify that crashes 22.05 when it omits a set TRES list).
    private func addUsersLegacy(_ additions: [SlurmNewAssociation], account: String) async throws {
        async let associationsAnswer = self.associationRecords(account: account, users: nil)
        // Who exists: whoever has an association anywhere (not GET users/, see usersFromAssociations).
        async let usersAnswer = self.userAssociationRecords(Set(additions.map(\.user)), onCluster: false)
        let (rows, userList) = try await (associationsAnswer, usersAnswer)
        guard rows.contains(where: SlurmRESTWire.isAccountRow) else {
            throw SlurmError(.notFound, "account \(account) does not exist on cluster \(cluster)")
        }
        let present = Set(
            rows.filter { SlurmRESTWire.text($0["partition"]).isEmpty }.map { SlurmRESTWire.text($0["user"]) })
        let known = Set(userList.map { SlurmRESTWire.text($0["user"]) })
        let missing = additions.filter { !present.contains($0.user) }
        guard !missing.isEmpty else { return }
        let newUsers = Array(Set(missing.map(\.user).filter { !known.contains($0) })).sorted()
        if !newUsers.isEmpty {
            let body: SlurmRESTJSON = ["users": .array(newUsers.map { SlurmRESTJSON.object(["name": .string($0)]) })]
            let action = "POST users/ (create \(newUsers.joined(separator: ", ")))"
            try check(try await send(.post, "users/", body: body, action: action), action: action)
        }
        let records: [SlurmRESTJSON] = missing.map { addition in
            var record: SlurmRESTJSON = [
                "cluster": .string(cluster), "account": .string(account), "user": .string(addition.user),
            ]
            if !addition.qos.isEmpty { record = record.setting("qos", to: .array(addition.qos.map { .string($0) })) }
            if !addition.grpTRESMins.isEmpty {
                record = record.setting(SlurmRESTWire.grpTRESMinsPath, to: SlurmRESTWire.tresList(addition.grpTRESMins))
            }
            return record
        }
        let action = "POST associations/ (\(missing.map(\.user).joined(separator: ", ")) in \(account))"
        try check(
            try await send(.post, "associations/", body: ["associations": .array(records)], action: action),
            action: action)
    }

    public func removeUsers(_ users: [String], account: String) async throws {
        let names = try Array(Set(users.filter { !$0.isEmpty }.map(naming.user))).sorted()
        let name = try naming.account(account)
        guard !names.isEmpty else { return }
        // Always with user= (without it the DELETE would take the account's own association and every member).
        let query =
            "account=\(Self.encoded(name))&user=\(Self.encodedList(names))"
            + "&cluster=\(Self.encoded(cluster))"
        let action = "DELETE associations/ (\(names.joined(separator: ", ")) from \(name))"
        // 304: none of them had an association there any more.
        try check(try await send(.delete, "associations/", query: query, action: action), action: action)
    }

    public func modifyAssociations(account: String, changes: [String: SlurmAssociationChange]) async throws {
        let name = try naming.account(account)
        // "" is the account's own association.
        let wanted = Dictionary(
            try changes.map { ($0.key.isEmpty ? "" : try naming.user($0.key), try checked($0.value)) },
            uniquingKeysWith: { $1 })
        guard !wanted.isEmpty else { return }
        func what(_ member: String) -> String {
            member.isEmpty ? "the association of account \(name)" : "\(member)'s association in \(name)"
        }
        // One read of every association to change: the whole account when its own is among them, else by user.
        let members = wanted.keys.sorted()
        let query: [String]? = members.contains("") ? nil : members
        func records() async throws -> [String: SlurmRESTJSON] {
            var found: [String: SlurmRESTJSON] = [:]
            for row in try await associationRecords(account: name, users: query)
            where SlurmRESTWire.text(row["partition"]).isEmpty {
                let member = SlurmRESTWire.text(row["user"])
                if wanted[member] != nil { found[member] = row }
            }
            return found
        }
        let before = try await records()
        // Those with no association are reported after the others were written.
        let missing = members.filter { before[$0] == nil }

        struct Write {
            var member: String
            var grpTRESMins: [String: Int64]
            var qos: [String]?
            var body: SlurmRESTJSON
        }
        var writes: [Write] = []
        for member in members {
            guard let record = before[member], let change = wanted[member] else { continue }
            let current = SlurmRESTWire.association(record)
            let grp = SlurmRESTWire.merged(current.grpTRESMins, change.grpTRESMins)
            let qos = change.qosList(from: current.qos)
            guard grp != current.grpTRESMins || qos != nil else { continue }
            if version.isLegacy && member.isEmpty {
                // 22.05 answers 200 and writes nothing (§9.3): never send it.
                var sets: [String] = []
                if let qos { sets.append("QOS=\(SlurmRESTWire.sacctmgrList(qos))") }
                let tresChange = change.grpTRESMins.filter { current.grpTRESMins[$0.key.lowercased()] != $0.value }
                if !tresChange.isEmpty { sets.append("GrpTRESMins=\(SlurmRESTWire.sacctmgrTRES(tresChange))") }
                throw SlurmError(
                    .unsupported,
                    "slurmrestd \(version.rawValue) (Slurm 22.05) ignores changes to an account's own association; "
                        + "run: sacctmgr -i modify account where name=\(name) cluster=\(cluster) set "
                        + sets.joined(separator: " "))
            }
            let body =
                version.isLegacy
                ? SlurmRESTWire.legacyModifyBody(record: record, cluster: cluster, grpTRESMins: grp, qos: qos)
                : SlurmRESTWire.modifyBody(record: record, grpTRESMins: grp, qos: qos)
            writes.append(Write(member: member, grpTRESMins: grp, qos: qos, body: body))
        }

        if !writes.isEmpty {
            // POST associations/ takes a list: the whole records together, in slices small enough for one body.
            for slice in stride(from: 0, to: writes.count, by: Self.associationsPerPost) {
                let part = writes[slice..<min(slice + Self.associationsPerPost, writes.count)]
                let body: SlurmRESTJSON = [
                    "associations": .array(part.flatMap { $0.body["associations"]?.array ?? [] })
                ]
                let action =
                    part.count == 1
                    ? "POST associations/ (\(what(part[part.startIndex].member)))"
                    : "POST associations/ (\(part.count) associations in \(name))"
                try check(try await send(.post, "associations/", body: body, action: action), action: action)
            }
            // Slurm has answered 200 to writes it did not make (§4, §9): read them back, in one request.
            let after = try await records()
            var notApplied: [String] = []
            for write in writes {
                guard let record = after[write.member] else {
                    notApplied.append("\(what(write.member)) is gone")
                    continue
                }
                let now = SlurmRESTWire.association(record)
                if now.grpTRESMins != write.grpTRESMins || (write.qos.map { !$0.isEmpty && $0 != now.qos } ?? false) {
                    notApplied.append(
                        "\(what(write.member)): GrpTRESMins now \(Self.show(now.grpTRESMins)), wanted "
                            + Self.show(write.grpTRESMins)
                            + (write.qos.map { "; QOS now \(now.qos), wanted \($0)" } ?? ""))
                }
            }
            if !notApplied.isEmpty {
                throw SlurmError(
                    .failed,
                    "slurmrestd accepted POST associations/ but did not apply it: " + notApplied.joined(separator: "; ")
                )
            }
        }
        if !missing.isEmpty {
            throw SlurmError(
                .notFound, missing.map(what).joined(separator: ", ") + " does not exist on cluster \(cluster)")
        }
    }

    /// How many association records one POST associations/ carries at most.
    static let associationsPerPost = 200

    public func setDefaultAccount(user: String, account: String) async throws {
        let name = try naming.account(account), member = try naming.user(user)
        guard let record = try await associationRecord(account: name, user: member) else {
            throw SlurmError(
                .notFound, "\(member) has no association in \(name) on cluster \(cluster) to make their default")
        }
        if SlurmRESTWire.association(record).isDefault { return }
        if version.isLegacy {
            // 22.05 ignores `default.account` in POST users/; `is_default: 1` (not `true`) on the association works,
            // sent with every set TRES list like any other modify (§4, §9.1).
            let body = SlurmRESTWire.legacyModifyBody(
                record: record, cluster: cluster,
                grpTRESMins: SlurmRESTWire.tresLimits(
                    record.value(at: SlurmRESTWire.grpTRESMinsPath)),
                qos: nil, extra: ["is_default": 1])
            let action = "POST associations/ (is_default for \(member) in \(name))"
            try check(try await send(.post, "associations/", body: body, action: action), action: action)
        } else {
            let body: SlurmRESTJSON = ["users": [["name": .string(member), "default": ["account": .string(name)]]]]
            let action = "POST users/ (default account of \(member) to \(name))"
            try check(try await send(.post, "users/", body: body, action: action), action: action)
        }
    }

    public func setDefaultAccounts(_ defaults: [String: String]) async throws {
        let wanted = Dictionary(
            try defaults.filter { !$0.key.isEmpty }.map { (try naming.user($0.key), try naming.account($0.value)) },
            uniquingKeysWith: { $1 })
        guard !wanted.isEmpty else { return }
        if version.isLegacy || wanted.count == 1 {
            // 22.05 sets a default through each association (is_default), one at a time.
            for (user, account) in wanted.sorted(by: { $0.key < $1.key }) {
                try await setDefaultAccount(user: user, account: account)
            }
            return
        }
        // POST users/ takes a list: every user with their new default account in one request.
        let users: [SlurmRESTJSON] = wanted.sorted { $0.key < $1.key }.map {
            ["name": .string($0.key), "default": ["account": .string($0.value)]]
        }
        let action = "POST users/ (default accounts of \(wanted.keys.sorted().joined(separator: ", ")))"
        try check(try await send(.post, "users/", body: ["users": .array(users)], action: action), action: action)
    }

    public func addCoordinators(_ users: [String], account: String) async throws {
        let name = try naming.account(account)
        let names = try Set(users.filter { !$0.isEmpty }.map(naming.user))
        guard !names.isEmpty else { return }
        guard let record = try await accountRecord(name) else {
            throw SlurmError(.notFound, "account \(name) does not exist")
        }
        let direct = Set(SlurmRESTWire.directCoordinators(record))
        let added = names.subtracting(direct).sorted()
        guard !added.isEmpty else { return }
        if version.isLegacy {
            // 22.05: POST users/ with coordinators [{name: ACCOUNT, direct: 1}], each user with the administrator
            // level they have now (re-posting a user without it resets it to None, §4).
            let records = try await userRecords(Set(added))
            var entries: [SlurmRESTJSON] = []
            for user in added {
                guard let current = records.first(where: { $0["name"]?.string?.lowercased() == user }) else {
                    throw SlurmError(.notFound, "user \(user) does not exist in Slurm; add them to an account first")
                }
                var entry: SlurmRESTJSON = [
                    "name": .string(user), "coordinators": [["name": .string(name), "direct": 1]],
                ]
                if let level = current["administrator_level"], !level.isNull {
                    entry = entry.setting("administrator_level", to: level)
                }
                entries.append(entry)
            }
            let action = "POST users/ (coordinators \(added.joined(separator: ", ")) of \(name))"
            try check(try await send(.post, "users/", body: ["users": .array(entries)], action: action), action: action)
        } else {
            try await postCoordinators(record, account: name, coordinators: direct.union(added), change: "add")
        }
    }

    public func removeCoordinators(_ users: [String], account: String) async throws {
        let name = try naming.account(account)
        let names = try Set(users.filter { !$0.isEmpty }.map(naming.user))
        guard !names.isEmpty else { return }
        guard let record = try await accountRecord(name) else {
            throw SlurmError(.notFound, "account \(name) does not exist")
        }
        let direct = Set(SlurmRESTWire.directCoordinators(record))
        let removed = names.intersection(direct).sorted()
        guard !removed.isEmpty else { return }
        if version.isLegacy {
            throw SlurmError(
                .unsupported,
                "slurmrestd \(version.rawValue) (Slurm 22.05) has no way to remove a coordinator; run: "
                    + "sacctmgr -i delete coordinator names=\(removed.joined(separator: ",")) accounts=\(name)")
        }
        try await postCoordinators(record, account: name, coordinators: direct.subtracting(removed), change: "remove")
    }

    /// v0.0.40+: POST accounts/ is desired state for coordinators (a name left out is removed, no `coordinators` key
    /// removes them all, §8), so it always carries the full wanted list with the account's description and
    /// organization as read.
    private func postCoordinators(
        _ record: SlurmRESTJSON, account: String, coordinators: Set<String>, change: String
    ) async throws {
        // The list is desired state and holds the coordinators slurmrestd listed: a name there that is not one is not
        // sent back (and cannot be left out, which would remove it), so the change is refused.
        for coordinator in coordinators { _ = try naming.user(coordinator) }
        let body: SlurmRESTJSON = [
            "accounts": [
                [
                    "name": .string(account), "description": .string(record["description"]?.string ?? account),
                    "organization": .string(record["organization"]?.string ?? account),
                    "coordinators": .array(coordinators.sorted().map { ["name": .string($0)] }),
                ]
            ]
        ]
        let action = "POST accounts/ (\(change) coordinators of \(account): now \(coordinators.sorted()))"
        try check(try await send(.post, "accounts/", body: body, action: action), action: action)
    }

    // MARK: Names

    /// The names slurmrestd is sent: each is checked (``SlurmNaming``) before it goes into a path, a query or a body,
    /// so none can name something else (slurmrestd splits `user=` at commas, encoded or not) or be folded onto another
    /// user.
    private var naming: SlurmNaming { SlurmNaming() }

    /// An association change whose QOS and TRES names are all names.
    private func checked(_ change: SlurmAssociationChange) throws -> SlurmAssociationChange {
        for qos in (change.qos ?? []) + change.addingQOS + change.removingQOS {
            _ = try naming.account(qos, as: .permission)
        }
        for tres in change.grpTRESMins.keys { _ = try naming.tres(tres) }
        return change
    }

    // MARK: Records

    /// The account record with its coordinators; nil when the account does not exist.
    private func accountRecord(_ name: String) async throws -> SlurmRESTJSON? {
        // dbv0.0.38 always includes coordinators; v0.0.40+ only when asked, with the same spelling in all three.
        let list = try await getList(
            "account/\(Self.encoded(name))", query: version.isLegacy ? "" : "with_coords", key: "accounts",
            action: "GET account/\(name)")
        return list.first { $0["name"]?.string?.lowercased() == name }
    }

    /// The association records of an account on the cluster, of the given users only when `users` is given.
    private func associationRecords(account: String, users: [String]?) async throws -> [SlurmRESTJSON] {
        var query = "account=\(Self.encoded(account))&cluster=\(Self.encoded(cluster))"
        if let users, !users.isEmpty { query += "&user=\(Self.encodedList(users))" }
        return try await getList(
            "associations/", query: query, key: "associations", action: "GET associations of \(account)"
        )
        .filter { SlurmRESTWire.text($0["account"]) == account && SlurmRESTWire.text($0["cluster"]) == cluster }
    }

    /// One association (partition ""): the account's own when `user` is empty.
    private func associationRecord(account: String, user: String) async throws -> SlurmRESTJSON? {
        let rows = try await associationRecords(account: account, users: user.isEmpty ? nil : [user])
        return rows.first { SlurmRESTWire.text($0["user"]) == user && SlurmRESTWire.text($0["partition"]).isEmpty }
    }

    /// User records with their associations: one `user/{name}` for one user, else one `users/` listing (its query
    /// has no name filter), filtered here.
    private func userRecords(_ names: Set<String>) async throws -> [SlurmRESTJSON] {
        let flags = version.isLegacy ? "" : "with_assocs"
        let list: [SlurmRESTJSON]
        if names.count == 1, let only = names.first {
            list = try await getList(
                "user/\(Self.encoded(only))", query: flags, key: "users", action: "GET user/\(only)")
        } else {
            list = try await getList("users/", query: flags, key: "users", action: "GET users/")
        }
        return list.filter { names.contains($0["name"]?.string?.lowercased() ?? "") }
    }

    // MARK: HTTP

    /// A GET whose answer is a list under `key`; 22.05's "Nothing found" (9003) is an empty list.
    private func getList(_ path: String, query: String = "", key: String, action: String) async throws
        -> [SlurmRESTJSON]
    {
        let answer = try await send(.get, path, query: query, action: action)
        if answer.isNothingFound { return [] }
        try check(answer, action: action)
        return answer.json?[key]?.array ?? []
    }

    private func check(_ answer: SlurmRESTResponse, action: String) throws {
        guard !answer.succeeded else { return }
        throw answer.error(action: action, actor: userName, endpoint: baseURL.redactedForLogs)
    }

    /// Sends one request. A refused token is retried once with the token file's current contents, when they differ.
    private func send(
        _ method: HTTPMethod, _ path: String, query: String = "", body: SlurmRESTJSON? = nil, action: String
    ) async throws -> SlurmRESTResponse {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: "\(base)/\(version.pathPrefix)/\(path)" + (query.isEmpty ? "" : "?\(query)")) else {
            throw SlurmError(.failed, "cannot form a URL for \(action)")
        }
        var headers = ["X-SLURM-USER-NAME": userName, "Accept": "application/json"]
        var data: Data?
        if let body {
            data = body.encoded()
            headers["Content-Type"] = "application/json"
        }
        var used = try await token.token()
        var renewed = false
        while true {
            headers["X-SLURM-USER-TOKEN"] = used
            let request = HTTPRequest(method: method, url: url, headers: headers, body: data)
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                switch error {
                case .mutationRefusedInDryRun: throw error
                case .timedOut, .connectionFailed, .untrustedServer, .deadlineExceeded, .answerTooLarge:
                    let maybe = method.isMutating && error.isAmbiguous ? "; it may or may not have taken effect" : ""
                    throw SlurmError(.unavailable, "\(action) to slurmrestd failed: \(error)\(maybe)")
                case .redirectRefused:
                    throw SlurmError(.failed, "\(action) to slurmrestd failed: \(error)")
                }
            }
            let answer = SlurmRESTResponse(response, request: request)
            if !renewed, !answer.succeeded,
                answer.error(action: action, actor: userName, endpoint: "").kind == .authentication,
                let fresh = try await token.renewed(replacing: used)
            {
                used = fresh
                renewed = true
                continue
            }
            return answer
        }
    }

    /// Percent-encodes a name for a path segment or query value.
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A comma-separated query value, the commas encoded too: 22.05 answers "Unable to parse query." (400) to a raw
    /// `,` in a query.
    static func encodedList(_ values: [String]) -> String {
        values.map(encoded).joined(separator: "%2C")
    }

    /// A time as slurmrestd's usage parameters take it on every version: `YYYY-MM-DDTHH%3AMM%3ASS` in UTC (epoch
    /// seconds fail on v0.0.40/41, a raw `:` is a 400, §3/§4). slurmrestd reads it in its own time zone.
    static func slurmTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))T\(padded(parts.hour, 2))"
            + "%3A\(padded(parts.minute, 2))%3A\(padded(parts.second, 2))"
    }

    private static func show(_ limits: [String: Int64]) -> String {
        limits.isEmpty
            ? "none" : limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
