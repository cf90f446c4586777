/// One person of a collaboration, as the people file lists them: who they are and their username at each facility.
public struct Person: Sendable, Hashable {
    /// The stable id teams list the person by, e.g. `amorales`.
    public var id: String
    /// The display name.
    public var name: String
    /// An email address, when given.
    public var email: String?
    /// An ORCID iD, when given.
    public var orcid: String?
    /// The username at each facility profile, e.g. `["nersc": "amorales", "frontier": "amoral"]`.
    public var accounts: [String: String]
    /// The person's last day in the collaboration: after it they count as absent everywhere.
    public var until: CalendarDay?

    /// Creates a person.
    public init(
        id: String, name: String, email: String? = nil, orcid: String? = nil, accounts: [String: String] = [:],
        until: CalendarDay? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.orcid = orcid
        self.accounts = accounts
        self.until = until
    }
}

/// The people file: every person of a collaboration, by id.
public struct PeopleDirectory: Sendable, Hashable {
    /// The people, by id.
    public var people: [String: Person]

    /// Creates a directory.
    public init(people: [String: Person] = [:]) { self.people = people }

    /// The person holding `username` at `facility`, if any.
    public func person(withUsername username: String, at facility: String) -> Person? {
        people.values.first { $0.accounts[facility] == username }
    }
}
