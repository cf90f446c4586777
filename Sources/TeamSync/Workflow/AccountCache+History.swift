import GRDB

extension AccountCache {
    /// For each of `groups`, everyone any stored snapshot of `facility` showed in it. One query, so a
    /// plan over many manifests reads the history once.
    public func usernamesEverSeen(inGroups groups: [String], facility: String) throws -> [String: Set<String>] {
        guard !groups.isEmpty else { return [:] }
        let placeholders = groups.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [facility]
        arguments += StatementArguments(groups)
        return try dbWriter.read { [arguments] db in
            var seen: [String: Set<String>] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT DISTINCT m.group_name, m.username FROM observed_group_member m
                    JOIN snapshot s ON s.id = m.snapshot_id
                    WHERE s.facility = ? AND m.group_name IN (\(placeholders))
                    """,
                arguments: arguments)
            while let row = try rows.next() {
                seen[row[0] as String, default: []].insert(row[1] as String)
            }
            return seen
        }
    }
}
