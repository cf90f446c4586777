import AccountModels
import Foundation

/// What the roster feature reads from a version 2 team manifest: its facilities, its people file, its members with
/// their end dates, and who is protected.
///
/// Deliberately small and private to the roster feature; the manifest loader reads the whole format.
package struct RosterTeamFile: Sendable, Hashable {
    /// One member of the team.
    package struct Member: Sendable, Hashable {
        package var id: String
        /// The last day of membership.
        package var until: CalendarDay?
        /// The line of the member's key.
        package var line: Int
    }

    /// The file, as named.
    package var path: String
    /// The `people:` path as written (relative to the team file's folder).
    package var people: String
    /// The facility names, in file order.
    package var facilities: [String]
    /// The members, in file order.
    package var members: [Member]
    /// `policy.protected`: never ended.
    package var protected: Set<String>

    /// The people file's path, resolved against the team file's folder.
    package var peoplePath: String {
        if people.hasPrefix("/") { return people }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(people).path
    }

    /// Parses a team manifest's text; only version 2 names a people file.
    package static func parse(_ text: String, file: String) throws(RosterError) -> RosterTeamFile {
        let yaml = RosterYAML(file: file)
        let rootNode = try yaml.compose(text)
        let root = try yaml.mapping(rootNode, what: "a team manifest")
        let version = try RosterYAML.value("version", in: root).map { (node) throws(RosterError) in
            (node, try yaml.scalar(node, what: "'version'"))
        }
        guard let version, version.1 == "2" else {
            throw yaml.error(
                at: version?.0 ?? rootNode, "roster diff needs a version 2 team manifest, which names a people file",
                hint: "write 'version: 2' and 'people: people.yaml' (see examples/multi/team.yaml)")
        }
        guard let peopleNode = RosterYAML.value("people", in: root) else {
            throw yaml.error(
                at: rootNode, "the team manifest names no people file",
                hint: "add 'people: people.yaml', the path relative to this file")
        }
        var team = RosterTeamFile(
            path: file, people: try yaml.scalar(peopleNode, what: "'people'"), facilities: [], members: [],
            protected: [])
        if let facilities = RosterYAML.value("facilities", in: root) {
            for pair in try yaml.mapping(facilities, what: "'facilities'") {
                team.facilities.append(try yaml.scalar(pair.key, what: "a facility name"))
            }
        }
        if let members = RosterYAML.value("members", in: root) {
            for pair in try yaml.mappingOrNull(members, what: "'members'") {
                let id = try yaml.scalar(pair.key, what: "a member id")
                let fields = try yaml.mappingOrNull(pair.value, what: "member '\(id)'")
                let until = try RosterYAML.value("until", in: fields).map { (node) throws(RosterError) in
                    try yaml.day(node, what: "the end date of '\(id)'")
                }
                team.members.append(Member(id: id, until: until, line: pair.key.position.line))
            }
        }
        if let policy = RosterYAML.value("policy", in: root),
            let protected = RosterYAML.value("protected", in: try yaml.mappingOrNull(policy, what: "'policy'"))
        {
            for node in try yaml.sequence(protected, what: "'policy.protected'") {
                team.protected.insert(try yaml.scalar(node, what: "a protected id"))
            }
        }
        return team
    }
}
