import Foundation

/// Parsers for `sacctmgr -n -P` and `sreport -n -P` output, and the reading of sacctmgr's messages into
/// ``SlurmError`` kinds. Pure functions of text, so they are tested without a daemon as well as against one.
enum SacctmgrParsing {
    /// The `|`-separated rows of parsable output, each padded to `fields` columns; blank lines dropped.
    static func rows(_ text: String, fields: Int) -> [[String]] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { return nil }
            var columns = trimmed.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if columns.count < fields { columns += Array(repeating: "", count: fields - columns.count) }
            return columns
        }
    }

    /// A comma-separated list (`normal,premium`), lower-cased, empty entries dropped, sorted.
    static func list(_ field: String) -> [String] {
        field.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }.sorted()
    }

    /// A TRES list with counts (`cpu=6000,gres/gpu=120`) by TRES name. Entries without a number are ignored.
    static func tres(_ field: String) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for entry in field.split(separator: ",") {
            guard let equals = entry.lastIndex(of: "=") else { continue }
            let name = entry[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, let value = Int64(entry[entry.index(after: equals)...]) else { continue }
            result[name] = value
        }
        return result
    }

    /// The text of a TRES change for `set GrpTRESMins=`: sorted, `-1` for a limit to clear.
    static func tresArgument(_ change: [String: Int64?]) -> String {
        change.keys.sorted().map { "\($0)=\(change[$0].flatMap { $0 }.map(String.init) ?? "-1")" }
            .joined(separator: ",")
    }

    // MARK: - Messages

    /// Messages that mean the request found nothing to do: success for an idempotent add or delete.
    static func saysNothingChanged(_ text: String) -> Bool {
        ["Nothing new added", "Nothing deleted", "Nothing removed"].contains { text.contains($0) }
    }

    /// `add user` found every association already there: "Nothing new added" on 22.05; on 24.11 "Nothing added."
    /// without the "No account A on cluster C, skipping." that the same words follow when the account is missing.
    static func saysAssociationsExist(_ text: String) -> Bool {
        text.contains("Nothing new added") || (text.contains("Nothing added") && !text.contains("No account "))
    }

    /// Classifies a failed run by sacctmgr's or sreport's messages (wording measured on 22.05.8 and 24.11.5,
    /// `shared/reference/slurm/transcripts/coord-sacctmgr-*.txt`).
    static func error(_ output: SacctmgrOutput, doing action: String) -> SlurmError {
        let text = output.combined
        let lower = text.lowercased()
        let detail = summary(text)
        func has(_ needles: String...) -> Bool { needles.contains { lower.contains($0.lowercased()) } }

        if has("can not increase job limits beyond the parent") {
            return SlurmError(
                .permissionDenied,
                "Slurm refused to \(action): a coordinator may not raise a limit that is already set (\(detail)). "
                    + "Clear the limit first or ask a Slurm administrator.", errorNumbers: [7012])
        }
        if has("access/permission denied", "doesn't have privilege", "does not have privilege") {
            return SlurmError(
                .permissionDenied,
                "Slurm refused to \(action): permission denied (\(detail)). A coordinator may only change the users, "
                    + "user limits and coordinators of her own accounts, with QOS the account itself has; "
                    + "ask a Slurm administrator for the rest.", errorNumbers: [2002])
        }
        if has("remove the default account", "default account of a user") {
            return SlurmError(
                .defaultAccount,
                "Slurm refused to \(action): it is a user's default account (\(detail)). "
                    + "Set another default account first.", errorNumbers: [7009])
        }
        if has("job(s) active", "jobs running", "running jobs") {
            return SlurmError(
                .jobsRunning,
                "Slurm refused to \(action): jobs are running on the association (\(detail)). Retry once they end.")
        }
        if has("bad qos", "invalid qos", "unable to resolve qos") {
            return SlurmError(.unknownQOS, "Slurm does not know a QOS given to \(action) (\(detail)).")
        }
        if has(
            "problem talking to the database", "connection refused", "unable to connect", "persistent connection",
            "slurmdbd is not running", "can't connect", "munge", "communications connection failure",
            "socket timed out")
        {
            return SlurmError(
                .unavailable, "Could not \(action): slurmdbd did not answer (\(detail)). Is it running and reachable?")
        }
        if has("authentication") {
            return SlurmError(.authentication, "Could not \(action): authentication failed (\(detail)).")
        }
        if has(
            "doesn't exist", "does not exist", "non-existent", "nothing found", "aren't associated", "no account ",
            "not associated", "no associations or wckeys created", "unknown user", "unknown account")
        {
            return SlurmError(.notFound, "Could not \(action): \(detail).")
        }
        return SlurmError(.failed, "Could not \(action): \(detail.isEmpty ? "exit status \(output.status)" : detail).")
    }

    /// Slurm's message lines, without the `sacctmgr: error:` prefix and without echoed tables, joined.
    static func summary(_ text: String) -> String {
        var lines: [String] = []
        for raw in text.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            for prefix in ["sacctmgr: error: ", "sreport: error: ", "sacctmgr: ", "sreport: ", "error: "]
            where line.hasPrefix(prefix) {
                line.removeFirst(prefix.count)
            }
            // Association tables sacctmgr echoes ("C = test  A = proj1 U = bob") and headings carry no reason.
            if line.isEmpty || line.contains(" = ") || line.hasSuffix("...") || line.hasSuffix(":") { continue }
            if !lines.contains(line) { lines.append(line) }
        }
        return lines.prefix(4).joined(separator: "; ")
    }

    /// The users a `modify user` run lists as matched (`U = name` in its "Modified user associations..." lines).
    static func modifiedUsers(_ output: String) -> Set<String> {
        var users: Set<String> = []
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "U = ") else { continue }
            let name = line[range.upperBound...].prefix { !$0.isWhitespace }
            if !name.isEmpty { users.insert(name.lowercased()) }
        }
        return users
    }
}
