import Foundation

/// The bench's own access to the stack, as its administrator, through the stack's `sacctmgr` (never through teamctl):
/// reading the bench accounts' state, bringing them to a given state with batched calls (seeding, resetting between
/// variants, cleaning up), and dumping them for comparison.
struct SlurmBenchAdmin {
    /// The stack's sacctmgr wrapper (`SLURM_SACCTMGR`).
    let sacctmgr: String
    let cluster: String
    let prefix: String
    let accountNames: [String]
    /// Prints progress.
    let say: (String) -> Void

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs sacctmgr; retries (up to 5 times, 2 s apart) a run that failed while sacctmgr said slurmdbd was busy
    /// (sacctmgr prints that after 5 s of waiting, also for runs that then succeed).
    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        var attempt = 0
        while true {
            attempt += 1
            let (status, out, err) = try Self.execute(sacctmgr, arguments)
            let text = err + out
            if status != 0 && text.contains("Database is busy") && attempt < 5 {
                say("  slurmdbd busy; retrying: sacctmgr \(arguments.prefix(6).joined(separator: " ")) ...")
                Thread.sleep(forTimeInterval: 2)
                continue
            }
            if status != 0 && !allowFailure && !Self.saysNothingChanged(text) {
                throw Failure(
                    description: "sacctmgr \(arguments.joined(separator: " ").prefix(300)) exited \(status): "
                        + text.suffix(1000))
            }
            return out
        }
    }

    static func saysNothingChanged(_ text: String) -> Bool {
        [
            "Nothing new added", "Nothing deleted", "Nothing modified", "Nothing removed", "already exist",
            "didn't affect anything",
        ].contains {
            text.contains($0)
        }
    }

    static func execute(_ executable: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errors = DataBox()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.done { Thread.sleep(forTimeInterval: 0.001) }
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self),
            String(decoding: errors.data, as: UTF8.self)
        )
    }

    private final class DataBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Data()
        private var finished = false
        var data: Data {
            get { lock.withLock { value } }
            set {
                lock.withLock {
                    value = newValue; finished = true
                }
            }
        }
        var done: Bool { lock.withLock { finished } }
    }

    // MARK: Reading

    /// The raw rows that define the accounts' state, sorted: associations (with default QOS), coordinators and the
    /// bench users' default accounts. Two variants converged to the same state give the same text.
    func dump() throws -> String {
        let list = accountNames.joined(separator: ",")
        let associations = try run([
            "-n", "-P", "show", "assoc", "where", "account=\(list)", "cluster=\(cluster)",
            "format=account,user,partition,qos,defaultqos,grptresmins",
        ])
        let coordinators = try run([
            "-n", "-P", "show", "account", "withcoord", "where", "name=\(list)", "format=account,coordinators",
        ])
        let users = try run(["-n", "-P", "show", "user", "format=user,defaultaccount"])
        let userLines = users.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { "user|\($0)" }
        let coordinatorLines = coordinators.split(separator: "\n").map { line -> String in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            let names = fields.count > 1 ? fields[1].split(separator: ",").sorted().joined(separator: ",") : ""
            return "coord|\(fields.first ?? "")|\(names)"
        }
        return (associations.split(separator: "\n").map { "assoc|\($0)" } + coordinatorLines + userLines)
            .sorted().joined(separator: "\n") + "\n"
    }

    /// The state a dump describes.
    static func state(fromDump text: String, prefix: String) -> SlurmBenchState {
        var state = SlurmBenchState()
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            switch f.first {
            case "assoc" where f.count >= 7 && f[3].isEmpty:
                let account = f[1], user = f[2]
                let limits = tres(f[6])
                if user.isEmpty {
                    state.accounts[account, default: .init()].limits = limits
                } else {
                    let qos = Set(f[4].split(separator: ",").map(String.init))
                    state.accounts[account, default: .init()].users[user] = .init(qos: qos, limits: limits)
                }
            case "coord" where f.count >= 3:
                let names = f[2].split(separator: ",").map(String.init)
                state.accounts[f[1], default: .init()].coordinators.formUnion(names)
            default: continue
            }
        }
        let members = state.accountsOfUser
        for line in text.split(separator: "\n") where line.hasPrefix("user|") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if f.count >= 3, members[f[1]] != nil, !f[2].isEmpty { state.defaults[f[1]] = f[2] }
        }
        return state
    }

    static func tres(_ text: String) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = Int64(pair[1]) { result[String(pair[0])] = value }
        }
        return result
    }

    func currentState() throws -> SlurmBenchState {
        Self.state(fromDump: try dump(), prefix: prefix)
    }

    // MARK: Writing

    /// Brings the accounts to `target` with batched calls (each list of names split into chunks), returning how
    /// many sacctmgr runs it took. Order: accounts, associations to add (a new user's first one making their default),
    /// default accounts, QOS, limits, coordinators, associations to delete.
    @discardableResult
    func converge(to target: SlurmBenchState) throws -> Int {
        var current = try currentState()
        var calls = 0
        let c = "cluster=\(cluster)"
        func call(_ arguments: [String]) throws {
            try run(["-i"] + arguments)
            calls += 1
        }
        func chunks(_ names: [String], _ size: Int) -> [[String]] {
            stride(from: 0, to: names.count, by: size).map { Array(names[$0..<min($0 + size, names.count)]) }
        }
        let existing = Set(
            try run(["-n", "-P", "show", "account", "format=account"]).split(separator: "\n").map(String.init))
        let missingAccounts = accountNames.filter { !existing.contains($0) && target.accounts[$0] != nil }
        if !missingAccounts.isEmpty {
            try call([
                "add", "account", missingAccounts.joined(separator: ","), c, "description=teamctl-bench",
                "organization=teamctl-bench",
            ])
            for name in missingAccounts where current.accounts[name] == nil { current.accounts[name] = .init() }
        }
        // The accounts' own limits.
        var accountLimitGroups: [String: [String]] = [:]
        for (name, account) in target.accounts {
            let now = current.accounts[name]?.limits ?? [:]
            if let arg = Self.limitArgument(from: now, to: account.limits) {
                accountLimitGroups[arg, default: []].append(name)
            }
        }
        for (arg, names) in accountLimitGroups.sorted(by: { $0.key < $1.key }) {
            try call([
                "modify", "account", "where", "name=\(names.sorted().joined(separator: ","))", c, "set",
                "grptresmins=\(arg)",
            ])
        }
        // Associations to add, grouped by the accounts each user lacks (and, for a new user, the default).
        var missing: [String: Set<String>] = [:]
        for (name, account) in target.accounts {
            for user in account.users.keys where current.accounts[name]?.users[user] == nil {
                missing[user, default: []].insert(name)
            }
        }
        let knownUsers = current.accountsOfUser
        var addGroups: [String: [String]] = [:]
        for (user, accounts) in missing {
            var key = accounts.sorted().joined(separator: ",")
            if knownUsers[user] == nil, let home = target.defaults[user] { key += "|" + home }
            addGroups[key, default: []].append(user)
        }
        for (key, users) in addGroups.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|")
            for chunk in chunks(users.sorted(), 200) {
                var arguments = ["add", "user", chunk.joined(separator: ","), "account=\(parts[0])", c]
                if parts.count > 1 { arguments.append("defaultaccount=\(parts[1])") }
                try call(arguments)
            }
            for user in users {
                for account in parts[0].split(separator: ",").map(String.init) {
                    current.accounts[account, default: .init()].users[user] = .init()
                }
                if parts.count > 1 { current.defaults[user] = String(parts[1]) }
            }
        }
        // Default accounts.
        var defaultGroups: [String: [String]] = [:]
        for (user, home) in target.defaults where current.defaults[user] != home {
            defaultGroups[home, default: []].append(user)
        }
        for (home, users) in defaultGroups.sorted(by: { $0.key < $1.key }) {
            for chunk in chunks(users.sorted(), 200) {
                try call([
                    "modify", "user", "where", "name=\(chunk.joined(separator: ","))", c, "set",
                    "defaultaccount=\(home)",
                ])
            }
        }
        // QOS and limits of user associations, grouped per account by the setting.
        for name in accountNames {
            guard let account = target.accounts[name] else { continue }
            var qosGroups: [String: [String]] = [:]
            var limitGroups: [String: [String]] = [:]
            for (user, association) in account.users {
                let now = current.accounts[name]?.users[user] ?? .init()
                if now.qos != association.qos {
                    qosGroups[association.qos.sorted().joined(separator: ","), default: []].append(user)
                }
                if let arg = Self.limitArgument(from: now.limits, to: association.limits) {
                    limitGroups[arg, default: []].append(user)
                }
            }
            for (qos, users) in qosGroups.sorted(by: { $0.key < $1.key }) {
                for chunk in chunks(users.sorted(), 200) {
                    try call([
                        "modify", "user", "where", "name=\(chunk.joined(separator: ","))", "account=\(name)", c, "set",
                        "qos=\(qos)",
                    ])
                }
            }
            for (arg, users) in limitGroups.sorted(by: { $0.key < $1.key }) {
                for chunk in chunks(users.sorted(), 200) {
                    try call([
                        "modify", "user", "where", "name=\(chunk.joined(separator: ","))", "account=\(name)", c, "set",
                        "grptresmins=\(arg)",
                    ])
                }
            }
            let coordinatorsNow = current.accounts[name]?.coordinators ?? []
            let toAdd = account.coordinators.subtracting(coordinatorsNow).sorted()
            let toRemove = coordinatorsNow.subtracting(account.coordinators).sorted()
            if !toAdd.isEmpty {
                try call(["add", "coordinator", "names=\(toAdd.joined(separator: ","))", "accounts=\(name)"])
            }
            if !toRemove.isEmpty {
                try call(["delete", "coordinator", "names=\(toRemove.joined(separator: ","))", "accounts=\(name)"])
            }
        }
        // Associations to delete, last account first (slurmdbd renumbers the association tree to the right of each
        // deleted row, so deleting from the right end is cheapest), in small batches.
        for name in accountNames.reversed() {
            let extra = Set(current.accounts[name]?.users.keys.map { $0 } ?? []).subtracting(
                target.accounts[name]?.users.keys.map { $0 } ?? [])
            for chunk in chunks(extra.sorted(), 25) {
                try call(["delete", "user", "where", "name=\(chunk.joined(separator: ","))", "account=\(name)", c])
            }
        }
        return calls
    }

    /// `grptresmins=` text turning `now` into `wanted` (-1 clears a TRES), or nil when they are equal.
    static func limitArgument(from now: [String: Int64], to wanted: [String: Int64]) -> String? {
        var parts: [String] = []
        for tres in Set(now.keys).union(wanted.keys).sorted() where now[tres] != wanted[tres] {
            parts.append("\(tres)=\(wanted[tres] ?? -1)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
    }

    /// Removes the bench's associations, users and accounts. slurmdbd renumbers the association tree (`lft`/`rgt`)
    /// to the right of every association it deletes, so removing 20,000 associations in an arbitrary order takes
    /// hours; here every user's default account first becomes their first account by name (24.11 refuses to delete a
    /// default association while the user has others), then each account's associations go, last account first, so
    /// each deletion renumbers only what is left of its own account. Users without associations and the accounts go
    /// last (an account is deleted only once it is empty: `delete account` checks default accounts with a query that
    /// scans the association table once per default association). Returns the number of sacctmgr runs.
    @discardableResult
    func removeEverything() throws -> Int {
        var calls = 0
        let c = "cluster=\(cluster)"
        let state = try currentState()
        let order = Dictionary(uniqueKeysWithValues: accountNames.enumerated().map { ($1, $0) })
        var moves: [String: [String]] = [:]
        for (user, accounts) in state.accountsOfUser {
            guard let first = accounts.min(by: { (order[$0] ?? 0) < (order[$1] ?? 0) }) else { continue }
            if state.defaults[user] != first { moves[first, default: []].append(user) }
        }
        for (account, users) in moves.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: users.count, by: 200) {
                let chunk = users.sorted()[start..<min(start + 200, users.count)]
                try run([
                    "-i", "modify", "user", "where", "name=\(chunk.joined(separator: ","))", c, "set",
                    "defaultaccount=\(account)",
                ])
                calls += 1
            }
        }
        var started = Date()
        for name in accountNames.reversed() {
            let users = state.accounts[name]?.users.keys.sorted() ?? []
            for start in stride(from: 0, to: users.count, by: 100) {
                let chunk = users[start..<min(start + 100, users.count)]
                try run(["-i", "delete", "user", "where", "name=\(chunk.joined(separator: ","))", "account=\(name)", c])
                calls += 1
            }
            if Date().timeIntervalSince(started) > 60 {
                say("  emptied the accounts down to \(name)")
                started = Date()
            }
        }
        let users = try run(["-n", "-P", "show", "user", "format=user"]).split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix(prefix) }.sorted()
        for start in stride(from: 0, to: users.count, by: 200) {
            let chunk = users[start..<min(start + 200, users.count)]
            try run(["-i", "delete", "user", chunk.joined(separator: ",")])
            calls += 1
        }
        let existing = Set(
            try run(["-n", "-P", "show", "account", "format=account"]).split(separator: "\n").map(String.init))
        let accounts = accountNames.filter(existing.contains)
        if !accounts.isEmpty {
            try run(["-i", "delete", "account", accounts.joined(separator: ",")])
            calls += 1
        }
        return calls
    }
}
