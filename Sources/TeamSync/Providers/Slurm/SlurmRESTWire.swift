import Foundation

/// Reading slurmrestd's records into teamctl's Slurm values and building request bodies, per version
/// (`../shared/reference/slurm.md` §4, §6, §7 and `slurm/transcripts/`). Pure functions of values: no I/O.
enum SlurmRESTWire {
    /// Every TRES list of an association, by path. All are full-replace on a modify: on v0.0.40+ a field left out
    /// is cleared, on dbv0.0.38 leaving out a set one crashes 22.05's slurmrestd (§7, §9.1).
    static let tresPaths = [
        "max/tres/total", "max/tres/group/minutes", "max/tres/group/active", "max/tres/minutes/total",
        "max/tres/minutes/per/job", "max/tres/per/job", "max/tres/per/node",
    ]

    /// GrpTRESMins.
    static let grpTRESMinsPath = "max/tres/group/minutes"

    // MARK: Reading

    /// A TRES entry's name as teamctl writes it: `cpu`, `mem`, `gres/gpu`.
    static func tresName(_ entry: SlurmRESTJSON) -> String? {
        guard let type = entry["type"]?.string, !type.isEmpty else { return nil }
        if let name = entry["name"]?.string, !name.isEmpty { return "\(type.lowercased())/\(name.lowercased())" }
        return type.lowercased()
    }

    /// A TRES list as limits by name. Counts Slurm uses for "no limit" (negative, or past Int64) are left out.
    static func tresLimits(_ list: SlurmRESTJSON?) -> [String: Int64] {
        var limits: [String: Int64] = [:]
        for entry in list?.array ?? [] {
            guard let name = tresName(entry), let count = entry["count"]?.integer, count >= 0 else { continue }
            limits[name] = count
        }
        return limits
    }

    /// A TRES entry to send: type, name when there is one, count.
    static func tresEntry(_ name: String, count: Int64) -> SlurmRESTJSON {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        var entry: [String: SlurmRESTJSON] = ["type": .string(parts[0]), "count": .int(count)]
        if parts.count == 2 { entry["name"] = .string(parts[1]) }
        return .object(entry)
    }

    /// A TRES list to send, sorted by name so bodies are stable.
    static func tresList(_ limits: [String: Int64]) -> SlurmRESTJSON {
        .array(limits.sorted { $0.key < $1.key }.map { tresEntry($0.key, count: $0.value) })
    }

    /// A string field that is `null` on dbv0.0.38 and `""` on v0.0.40+ when empty.
    static func text(_ value: SlurmRESTJSON?) -> String { (value?.string ?? "").lowercased() }

    /// Whether an association record is the account's own (user empty) on the whole cluster (partition empty).
    static func isAccountRow(_ record: SlurmRESTJSON) -> Bool {
        text(record["user"]).isEmpty && text(record["partition"]).isEmpty
    }

    /// An association record as teamctl reads it.
    static func association(_ record: SlurmRESTJSON) -> SlurmAssociation {
        let user = text(record["user"])
        let defaultQOS = text(record.value(at: "default/qos"))
        return SlurmAssociation(
            account: text(record["account"]), user: user,
            qos: (record["qos"]?.array ?? []).compactMap { $0.string?.lowercased() }.filter { !$0.isEmpty },
            defaultQOS: defaultQOS.isEmpty ? nil : defaultQOS,
            isDefault: user.isEmpty ? false : (record["is_default"]?.flag ?? false),
            grpTRESMins: tresLimits(record.value(at: grpTRESMinsPath)))
    }

    /// The direct coordinators of an account record (`direct` true on v0.0.40+, 1 on dbv0.0.38), sorted.
    static func directCoordinators(_ account: SlurmRESTJSON) -> [String] {
        let names = (account["coordinators"]?.array ?? []).compactMap { coordinator -> String? in
            guard coordinator["direct"]?.flag ?? false, let name = coordinator["name"]?.string, !name.isEmpty
            else { return nil }
            return name.lowercased()
        }
        return Array(Set(names)).sorted()
    }

    /// Sums `accounting[].allocated.seconds` of CPU and GPU TRES into minutes (§4 "REST usage").
    static func usageMinutes(_ record: SlurmRESTJSON) -> [String: Int64] {
        var seconds: [String: Int64] = [:]
        for row in record["accounting"]?.array ?? [] {
            guard let tres = row["TRES"], let name = tresName(tres), name == "cpu" || name == "gres/gpu",
                let allocated = row.value(at: "allocated/seconds")?.integer
            else { continue }
            // Saturating: a hostile or broken answer must not overflow (a trap); the report leaves such a figure out.
            let (sum, overflow) = seconds[name, default: 0].addingReportingOverflow(allocated)
            seconds[name] = overflow ? (allocated < 0 ? .min : .max) : sum
        }
        return seconds.mapValues { $0 / 60 }
    }

    // MARK: Writing

    /// GrpTRESMins after applying a change: a number sets, nil clears; TRES not named keep their limit.
    static func merged(_ current: [String: Int64], _ change: [String: Int64?]) -> [String: Int64] {
        var result = current
        for (name, value) in change {
            if let value { result[name.lowercased()] = value } else { result[name.lowercased()] = nil }
        }
        return result
    }

    /// The body that changes one association on v0.0.40 and later: the record as read, with the new GrpTRESMins and
    /// every other TRES list and limit echoed as they are (a TRES list left out is cleared).
    ///
    /// Left out on purpose: `qos` unless it changes (Slurm checks a coordinator's every posted QOS against the
    /// account's, even an unchanged list, §5), `id` (0 on v0.0.41/42, an object on v0.0.40), `accounting`, `lineage`,
    /// `is_default` and `parent_account` (the default account and the tree are not this call's business), and
    /// `meta`/`errors`/`warnings` of the answer (§9.7). Scalars left out stay as they are (§6).
    static func modifyBody(record: SlurmRESTJSON, grpTRESMins: [String: Int64], qos: [String]?) -> SlurmRESTJSON {
        var body = record.removing([
            "id", "accounting", "lineage", "is_default", "parent_account", "flags", "qos", "meta", "errors",
            "warnings",
        ])
        // `default` is echoed as read, unless empty (an empty default QOS is not worth a parse on the server).
        if (record.value(at: "default/qos")?.string ?? "").isEmpty { body = body.removing(["default"]) }
        for path in tresPaths where path != grpTRESMinsPath {
            let echoed = (record.value(at: path)?.array ?? []).compactMap { entry -> SlurmRESTJSON? in
                guard let name = tresName(entry), let count = entry["count"]?.integer else { return nil }
                return tresEntry(name, count: count)
            }
            body = body.setting(path, to: .array(echoed))
        }
        body = body.setting(grpTRESMinsPath, to: tresList(grpTRESMins))
        if let qos { body = body.setting("qos", to: .array(qos.map { .string($0) })) }
        return .object(["associations": .array([body])])
    }

    /// The body that changes one association on dbv0.0.38 (22.05): its key, every TRES list that is set now (leaving
    /// one out crashes slurmrestd, §9.1; an empty list is a parse error), GrpTRESMins with a cleared TRES sent as
    /// count -1 (what 22.05's own diff sends to remove one), and the QOS list only when it changes. Scalars left out
    /// stay as they are.
    static func legacyModifyBody(
        record: SlurmRESTJSON, cluster: String, grpTRESMins: [String: Int64], qos: [String]?,
        extra: [String: SlurmRESTJSON] = [:]
    ) -> SlurmRESTJSON {
        var body: SlurmRESTJSON = .object(
            [
                "account": .string(text(record["account"])), "cluster": .string(cluster),
                "user": .string(text(record["user"])),
            ]
        )
        if let partition = record["partition"]?.string, !partition.isEmpty {
            body = body.setting("partition", to: .string(partition))
        }
        for path in tresPaths where path != grpTRESMinsPath {
            let current = (record.value(at: path)?.array ?? []).compactMap { entry -> SlurmRESTJSON? in
                guard let name = tresName(entry), let count = entry["count"]?.integer else { return nil }
                return tresEntry(name, count: count)
            }
            if !current.isEmpty { body = body.setting(path, to: .array(current)) }
        }
        let currentGrp = tresLimits(record.value(at: grpTRESMinsPath))
        var grp = grpTRESMins.mapValues { Optional($0) }
        for name in currentGrp.keys where grpTRESMins[name] == nil { grp[name] = .some(nil) }
        if !grp.isEmpty {
            let entries = grp.sorted { $0.key < $1.key }.map { tresEntry($0.key, count: $0.value ?? -1) }
            body = body.setting(grpTRESMinsPath, to: .array(entries))
        }
        if let qos { body = body.setting("qos", to: .array(qos.map { .string($0) })) }
        for (key, value) in extra { body = body.setting(key, to: value) }
        return .object(["associations": .array([body])])
    }

    /// `association_condition.association` for `accounts_association/` and `users_association/` (v0.0.40+).
    static func associationSet(qos: [String], grpTRESMins: [String: Int64]) -> SlurmRESTJSON? {
        var set: [String: SlurmRESTJSON] = [:]
        if !qos.isEmpty { set["qoslevel"] = .array(qos.map { .string($0) }) }
        if !grpTRESMins.isEmpty { set["grptresmins"] = tresList(grpTRESMins) }
        return set.isEmpty ? nil : .object(set)
    }

    /// A `sacctmgr` argument list value, quoted when empty.
    static func sacctmgrList(_ values: [String]) -> String { values.isEmpty ? "''" : values.joined(separator: ",") }

    /// `GrpTRESMins=` for sacctmgr, `-1` clearing a TRES.
    static func sacctmgrTRES(_ change: [String: Int64?]) -> String {
        change.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.map(String.init) ?? "-1")" }
            .joined(separator: ",")
    }
}
