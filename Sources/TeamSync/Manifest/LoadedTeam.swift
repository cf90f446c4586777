import AccountModels

/// A people file that loaded without errors, with where each entry is written.
public struct LoadedPeople: Sendable, Hashable {
    /// The file, as the team manifest names it (resolved against the manifest's folder).
    public var path: String
    /// The people.
    public var directory: PeopleDirectory
    /// Where each person's id is written.
    var personLocations: [String: SourcePosition]
    /// Where each person's username at a facility is written: person id, then facility.
    var accountLocations: [String: [String: SourcePosition]]

    /// Where the person's entry (its id) is written.
    public func location(ofPerson id: String) -> (line: Int, column: Int)? {
        personLocations[id].map { ($0.line, $0.column) }
    }
}

/// A team manifest of version 2 that parsed without errors, with where its parts are written, so that resolution
/// can point at them.
public struct LoadedTeam: Sendable, Hashable {
    /// The file it was read from.
    public var path: String
    /// What the file declares.
    public var spec: TeamSpec
    /// Where the `people` value is written.
    var peopleLocation: SourcePosition
    /// Where each facility's key is written.
    var facilityLocations: [String: SourcePosition]
    /// Where each facility's `project` value is written.
    var projectLocations: [String: SourcePosition]
    /// Where each member's key is written.
    var memberLocations: [String: SourcePosition]
    /// Every place the manifest names a person or a facility besides the member keys, for resolution to check.
    var references: [TeamReference]

    /// Where the member's entry is written.
    public func location(ofMember id: String) -> (line: Int, column: Int)? {
        memberLocations[id].map { ($0.line, $0.column) }
    }
}

/// A place a team manifest names a person id or a facility, and what it is there for.
struct TeamReference: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A person in a group's or permission's list, or in `protected`; `facility` nil when team-wide.
        case person(String, facility: String?)
        /// A facility in a member's `facilities` list.
        case memberFacility(String, member: String)
        /// An aspect (groups, permissions, limits) given in a facility's own block.
        case scopedAspect(ProviderCapabilities.Aspect, facility: String)
        /// An aspect given team-wide, at its top-level key.
        case teamAspect(ProviderCapabilities.Aspect)
    }

    var kind: Kind
    /// What it is part of, for messages, e.g. `group 'lumcal' at nersc`.
    var context: String
    var position: SourcePosition
}
