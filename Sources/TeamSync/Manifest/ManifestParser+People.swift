import AccountModels

extension ManifestParser {
    static let peopleTopLevelKeys = ["version", "people"]
    static let personKeys = ["name", "email", "orcid", "accounts", "until"]

    /// Parses and checks a people file's text.
    static func parsePeople(
        _ text: String, file: String, today: CalendarDay, limits: ManifestLimits
    ) -> (people: LoadedPeople?, diagnostics: [Diagnostic]) {
        var parser = ManifestParser(file: file, today: today, limits: limits)
        var loaded: LoadedPeople?
        if let root = parser.document(text) { loaded = parser.people(from: root) }
        let diagnostics = parser.finishedDiagnostics()
        return (diagnostics.contains { $0.severity == .error } ? nil : loaded, diagnostics)
    }

    mutating func people(from root: YAMLNode) -> LoadedPeople? {
        guard case .mapping(let mapping, _) = root else {
            error(
                "a people file must be a mapping with 'version: 1' and 'people:', found \(describeRoot(root))", at: root
            )
            return nil
        }
        var fields: [String: Entry] = [:]
        for entry in entries(of: mapping, allowed: Self.peopleTopLevelKeys) { fields[entry.key] = entry }
        for key in ["version", "people"] where fields[key] == nil {
            error(
                "missing required key '\(key)'", at: root, hint: "a people file starts with 'version: 1' and 'people:'")
        }
        if let entry = fields["version"], let value = integer(entry.value, named: "'version'"), value != 1 {
            error("unsupported people file version \(value)", at: entry.value, hint: "only version 1 exists")
        }
        var directory = PeopleDirectory()
        var personLocations: [String: SourcePosition] = [:]
        var accountLocations: [String: [String: SourcePosition]] = [:]
        // The first person to claim a username at a facility, and where: a second claim is an error at its place.
        var claims: [String: [String: (person: String, at: SourcePosition)]] = [:]
        guard let peopleEntry = fields["people"], !isNull(peopleEntry.value) else {
            return LoadedPeople(
                path: file, directory: directory, personLocations: [:], accountLocations: [:])
        }
        guard case .mapping(let pairs, _) = peopleEntry.value else {
            error(
                "'people' must be a mapping of person id to details, found \(describe(peopleEntry.value))",
                at: peopleEntry.value, hint: "write e.g. 'amorales: {name: Ana Morales, accounts: {nersc: amorales}}'")
            return nil
        }
        for entry in entries(of: pairs, allowed: nil) {
            if !Self.isUsername(entry.key) {
                error(
                    "\(quote(entry.key)) is not a valid person id", at: entry.keyNode,
                    hint: "person ids are lowercase letters, digits, '_' and '-', starting with a letter or '_', "
                        + "at most 32 characters")
            }
            personLocations[entry.key] = entry.keyPosition
            guard let person = person(entry.value, id: entry.key, accountLocations: &accountLocations) else { continue }
            for (facility, username) in person.accounts.sorted(by: { $0.key < $1.key }) {
                let place = accountLocations[entry.key]?[facility] ?? entry.keyPosition
                if let first = claims[facility]?[username] {
                    report(
                        .error,
                        "username \(quote(username)) at \(facility) is also claimed by \(quote(first.person))",
                        at: place,
                        hint: "a username belongs to one person; \(quote(first.person)) has it at line \(first.at.line)"
                    )
                } else {
                    claims[facility, default: [:]][username] = (entry.key, place)
                }
            }
            directory.people[entry.key] = person
        }
        return LoadedPeople(
            path: file, directory: directory, personLocations: personLocations, accountLocations: accountLocations)
    }

    mutating func person(
        _ node: YAMLNode, id: String, accountLocations: inout [String: [String: SourcePosition]]
    ) -> Person? {
        guard case .mapping(let pairs, _) = node else {
            error(
                "person \(quote(id)) must be a mapping like {name: ..., accounts: {nersc: ...}}, found \(describe(node))",
                at: node)
            return nil
        }
        var person = Person(id: id, name: "")
        var hasName = false
        for entry in entries(of: pairs, allowed: Self.personKeys) {
            switch entry.key {
            case "name":
                guard let value = text(entry.value, named: "'name'") else { continue }
                person.name = value
                hasName = true
            case "email":
                guard let value = text(entry.value, named: "'email'") else { continue }
                let parts = value.split(separator: "@", omittingEmptySubsequences: false)
                if parts.count != 2 || parts.contains(where: \.isEmpty) || value.contains(" ") {
                    error(
                        "\(quote(value)) is not an email address", at: entry.value,
                        hint: "write one address like name@example.org, or leave 'email' out")
                }
                person.email = value
            case "orcid":
                guard let value = text(entry.value, named: "'orcid'") else { continue }
                if !Self.isORCID(value) {
                    error(
                        "\(quote(value)) is not a valid ORCID iD", at: entry.value,
                        hint: "write the 16 characters as 0000-0002-1825-0097 (the last may be X); "
                            + "the check digit must match")
                }
                person.orcid = value
            case "accounts":
                if isNull(entry.value) { continue }
                guard case .mapping(let accounts, _) = entry.value else {
                    error(
                        "'accounts' of \(quote(id)) must be a mapping of facility to username, "
                            + "found \(describe(entry.value))", at: entry.value,
                        hint: "write e.g. 'accounts: {nersc: \(id)}'")
                    continue
                }
                for account in entries(of: accounts, allowed: nil) {
                    guard let username = text(account.value, named: "the username at \(quote(account.key))")
                    else { continue }
                    if !Self.isUsername(username) {
                        error(
                            "\(quote(username)) is not a valid username", at: account.value,
                            hint: "usernames are lowercase letters, digits, '_' and '-', starting with a letter or '_'")
                        continue
                    }
                    person.accounts[account.key] = username
                    accountLocations[id, default: [:]][account.key] = account.value.position
                }
            default:  // "until"
                guard let day = day(entry.value) else { continue }
                person.until = day
                if today.days(until: day) < 0 {
                    report(
                        .warning, "\(quote(id)) left on \(day); they count as absent in every team",
                        at: entry.value.position, hint: "plans remove them everywhere; delete the entry once applied")
                }
            }
        }
        if !hasName {
            error("person \(quote(id)) has no 'name'", at: node, hint: "add 'name: Full Name'")
        }
        return person
    }

    /// A `YYYY-MM-DD` date, or nil after reporting why not.
    mutating func day(_ node: YAMLNode) -> CalendarDay? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("'until' must be a date (YYYY-MM-DD), found \(describe(node))", at: node)
            return nil
        }
        guard checkLength(scalar.string, at: node) else { return nil }
        guard let day = CalendarDay(scalar.string) else {
            error(
                "\(quote(scalar.string)) is not a valid date", at: node,
                hint: "write dates as YYYY-MM-DD, e.g. 2027-06-30")
            return nil
        }
        return day
    }

    /// An ORCID iD: four groups of four digits (the last character may be X) whose check digit (ISO 7064 11,2)
    /// matches.
    static func isORCID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 4, groups.allSatisfy({ $0.count == 4 }) else { return false }
        let characters = Array(groups.joined())
        var total = 0
        for character in characters.dropLast() {
            guard let digit = character.wholeNumberValue, character.isASCII else { return false }
            total = (total + digit) * 2
        }
        let result = (12 - total % 11) % 11
        let check: Character = result == 10 ? "X" : Character(String(result))
        return characters.last == check
    }
}
