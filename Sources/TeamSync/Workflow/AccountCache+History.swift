import GRDB

extension AccountCache {
    /// Everyone any stored snapshot of `facility` showed in one of `groups`.
    public func usernamesEverSeen(inGroups groups: [String], facility: String) throws -> Set<String> {
        guard !groups.isEmpty else { return [] }
        let placeholders = groups.map { _ in "?" }.joined(separator: ", ")
        var arguments: StatementArguments = [facility]
        arguments += StatementArguments(groups)
        return try dbWriter.read { [arguments] db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT m.username FROM observed_group_member m
                        JOIN snapshot s ON s.id = m.snapshot_id
                        WHERE s.facility = ? AND m.group_name IN (\(placeholders))
                        """,
                    arguments: arguments))
        }
    }
}
