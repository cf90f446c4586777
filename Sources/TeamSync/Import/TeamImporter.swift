import AccountModels

/// Writes a people file and a team manifest (version 2) from what several facilities show, so a collaboration can
/// start its multi-facility team from the live state.
///
/// People are matched across facilities by username: the same username at two facilities is taken for one person.
/// Matching by email would be better, but neither back end shows other people's email addresses (SFAPI shows only
/// the caller's, slurmdbd none), so a person whose usernames differ comes out as two people, and the import lists
/// everyone it found at only some of the facilities for a person to check.
public enum TeamImporter {
    /// One facility's side: its profile, the project there, and what a refresh observed.
    public struct Source: Sendable {
        public var facility: String
        public var project: String
        public var observed: ObservedState

        /// Creates one.
        public init(facility: String, project: String, observed: ObservedState) {
            self.facility = facility
            self.project = project
            self.observed = observed
        }
    }

    /// What an import produced.
    public struct Result: Sendable, Hashable {
        /// The people file's text.
        public var people: String
        /// The team manifest's text.
        public var team: String
        /// People found at only some of the facilities, as `facility: username`, sorted: each may be someone with
        /// another username elsewhere.
        public var unmatched: [String]
        /// How many people and members.
        public var count: Int
    }

    /// Builds both files. `peopleFile` is how the team manifest names the people file (relative to it).
    public static func importTeam(name: String, sources: [Source], peopleFile: String) -> Result {
        let sources = sources.sorted { $0.facility < $1.facility }
        // username -> facility -> role (nil: member of the project, role not shown)
        var seen: [String: [String: Role?]] = [:]
        for source in sources {
            for (username, role) in source.observed.projects[source.project]?.members ?? [:] {
                seen[username, default: [:]][source.facility] = role
            }
        }
        let facilities = sources.map(\.facility)
        var unmatched: [String] = []
        var people = ["version: 1", "people:"]
        var members: [String] = []
        for username in seen.keys.sorted() {
            let at = seen[username] ?? [:]
            let places = facilities.filter { at[$0] != nil }
            if places.count < facilities.count && facilities.count > 1 {
                unmatched += places.map { "\($0): \(username)" }
            }
            let accounts = places.map { "\($0): \(username)" }.joined(separator: ", ")
            people.append("  \(username):")
            people.append("    name: \(username)  # the facilities do not say: write the full name")
            people.append("    accounts: {\(accounts)}")
            var fields: [String] = []
            let roles = Set(places.compactMap { at[$0] ?? nil })
            if roles.count == 1, let role = roles.first, role != .member { fields.append("role: \(role.rawValue)") }
            if places.count < facilities.count { fields.append("facilities: [\(places.joined(separator: ", "))]") }
            members.append("  \(username): {\(fields.joined(separator: ", "))}")
        }
        let callers = Set(sources.map(\.observed.caller)).filter { seen[$0] != nil }.sorted()
        var team = [
            "# yaml-language-server: $schema=https://raw.githubusercontent.com/teamctl/teamctl/main/schema/teamctl-team.schema.json",
            "#",
            "# Imported by `teamctl import --team` from "
                + sources.map { "\($0.facility) (\($0.project))" }
                .joined(separator: ", ") + ".",
            "# People are matched across facilities by username only; check the people file's names and join",
            "# people whose usernames differ by hand. Groups, permissions and limits are not imported.",
            "version: 2",
            "team: \(name)",
            "people: \(peopleFile)",
            "facilities:",
        ]
        team += sources.map { "  \($0.facility): {project: \($0.project)}" }
        team.append("members:")
        team += members
        if !callers.isEmpty {
            team += ["policy:", "  protected: [\(callers.joined(separator: ", "))]", "  max_removals: 10"]
        }
        return Result(
            people: people.joined(separator: "\n") + "\n", team: team.joined(separator: "\n") + "\n",
            unmatched: unmatched.sorted(), count: seen.count)
    }
}
