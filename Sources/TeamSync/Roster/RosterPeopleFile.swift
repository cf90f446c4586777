import AccountModels

/// What the roster feature reads from a people file (`version: 1`, `people: {ID: {name, email, accounts, until}}`):
/// each person's id, name, email, username per facility and end date, and where their entry is written.
///
/// Deliberately small and private to the roster feature; the full people-file format is read by the manifest loader.
package struct RosterPeopleFile: Sendable, Hashable {
    /// One person of the collaboration.
    package struct Person: Sendable, Hashable {
        package var id: String
        package var name: String?
        package var email: String?
        /// Facility name to username.
        package var accounts: [String: String]
        /// The last day the person is active anywhere.
        package var until: CalendarDay?
        /// The line of the person's key.
        package var line: Int
    }

    /// The file, as named.
    package var path: String
    /// Every person, in file order.
    package var people: [Person]

    /// Parses a people file's text.
    package static func parse(_ text: String, file: String) throws(RosterError) -> RosterPeopleFile {
        let yaml = RosterYAML(file: file)
        let rootNode = try yaml.compose(text)
        let root = try yaml.mapping(rootNode, what: "a people file")
        guard let peopleNode = RosterYAML.value("people", in: root) else {
            throw yaml.error(
                at: rootNode, "a people file needs a 'people:' mapping of person id to their details",
                hint: "see examples/multi/people.yaml")
        }
        var people: [Person] = []
        for pair in try yaml.mappingOrNull(peopleNode, what: "'people'") {
            let id = try yaml.scalar(pair.key, what: "a person id")
            let fields = try yaml.mappingOrNull(pair.value, what: "person '\(id)'")
            var person = Person(id: id, accounts: [:], line: pair.key.position.line)
            if let name = RosterYAML.value("name", in: fields) {
                person.name = try yaml.scalar(name, what: "the name of '\(id)'")
            }
            if let email = RosterYAML.value("email", in: fields) {
                person.email = try yaml.scalar(email, what: "the email of '\(id)'")
            }
            if let until = RosterYAML.value("until", in: fields) {
                person.until = try yaml.day(until, what: "the end date of '\(id)'")
            }
            if let accounts = RosterYAML.value("accounts", in: fields) {
                for account in try yaml.mappingOrNull(accounts, what: "the accounts of '\(id)'") {
                    let facility = try yaml.scalar(account.key, what: "a facility name")
                    person.accounts[facility] = try yaml.scalar(
                        account.value, what: "the \(facility) username of '\(id)'")
                }
            }
            people.append(person)
        }
        return RosterPeopleFile(path: file, people: people)
    }
}
