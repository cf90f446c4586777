import AccountModels

/// One change `roster diff --write` made to a file.
public struct RosterWrite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file changed, as named.
    public var file: String
    /// What changed, e.g. `added praman (Priya Raman)`.
    public var change: String

    /// `FILE: CHANGE`.
    public var description: String { "\(file): \(change)" }
}

/// What `roster diff --write` did, and what it left for a person to decide.
public struct RosterWriteReport: Sendable, Hashable, Codable {
    /// The changes made, people file first.
    public var written: [RosterWrite]
    /// Differences written nowhere, each with what to do about it.
    public var leftAlone: [String]
}

/// Turns a roster diff into edits of the people file's and the team manifest's text.
///
/// Text-level edits, not re-serialisation: every comment, blank line and the layout of everything a change does not
/// touch stays byte for byte. Pure: texts in, texts out.
package enum RosterWriter {
    /// The edited texts and what was done.
    package struct Output: Sendable {
        package var people: String
        package var team: String
        package var report: RosterWriteReport
    }

    /// Applies the diff: newcomers unknown to the people file get an entry there; every newcomer not ended becomes a
    /// member at the facilities they have a username at (`facilities` is the team's list; none: not added); members missing from the list (unless protected) end the day before `today`; differing emails and
    /// usernames are set to the list's.
    package static func apply(
        _ diff: RosterDiff, people: String, peopleFile: String, team: String, teamFile: String, today: CalendarDay,
        facilities: [String] = []
    ) throws(RosterError) -> Output {
        var written: [RosterWrite] = []
        var leftAlone: [String] = []

        var peopleEditor = RosterTextEditor(text: people, file: peopleFile)
        for difference in diff.differences {
            let entry = try personEntry(difference.id, in: peopleEditor, file: peopleFile)
            let value = RosterYAML.quoted(difference.listValue)
            let was = difference.peopleValue.map { " (was \($0))" } ?? ""
            if let facility = difference.facility {
                guard case .mapping(let fields, _) = entry.value else {
                    throw RosterYAML(file: peopleFile).error(at: entry.value, "'\(difference.id)' is not a mapping")
                }
                if let accounts = RosterTextEditor.pair("accounts", in: fields) {
                    try peopleEditor.set(facility, to: value, in: accounts.value, of: accounts.key)
                } else {
                    try peopleEditor.set("accounts", to: "{\(facility): \(value)}", in: entry.value, of: entry.key)
                }
                written.append(
                    RosterWrite(
                        file: peopleFile, change: "\(difference.id): \(facility) username \(difference.listValue)\(was)"
                    ))
            } else {
                try peopleEditor.set("email", to: value, in: entry.value, of: entry.key)
                written.append(
                    RosterWrite(file: peopleFile, change: "\(difference.id): email \(difference.listValue)\(was)"))
            }
        }
        for newcomer in diff.newcomers where newcomer.kind == .newPerson {
            try addPerson(newcomer.person, to: &peopleEditor, file: peopleFile, facilities: facilities)
            written.append(RosterWrite(file: peopleFile, change: "added \(label(newcomer.person))"))
        }

        var teamEditor = RosterTextEditor(text: team, file: teamFile)
        let yesterday = today.adding(days: -1)
        for missing in diff.missing {
            guard !missing.protected else {
                leftAlone.append(
                    "\(label(missing.person)) is not on the list but is protected in \(teamFile): not ended; "
                        + "end them by hand if they left")
                continue
            }
            let members = try membersMapping(in: teamEditor, file: teamFile)
            guard case .mapping(let pairs, _) = members.value,
                let member = RosterTextEditor.pair(missing.person.id, in: pairs)
            else { throw RosterYAML(file: teamFile).error(at: members.key, "no member '\(missing.person.id)' here") }
            try teamEditor.set("until", to: yesterday.description, in: member.value, of: member.key)
            written.append(RosterWrite(file: teamFile, change: "\(missing.person.id): until \(yesterday)"))
        }
        for newcomer in diff.newcomers {
            guard newcomer.kind != .ended else {
                let day = newcomer.until.map { " on \($0)" } ?? ""
                leftAlone.append(
                    "\(label(newcomer.person)) is on the list again but ended\(day): re-admit them by hand "
                        + "(move or remove their 'until' in \(teamFile) or \(peopleFile))")
                continue
            }
            // A member is on every facility unless their entry narrows it: one without a username at a facility is
            // a member only where they have one (as 'facilities: [...]'), and one with none is not added at all.
            let without = facilities.filter { (newcomer.person.accounts[$0] ?? "").isEmpty }
            guard without.count < facilities.count || facilities.isEmpty else {
                leftAlone.append(
                    "\(label(newcomer.person)) has no username at any of the team's facilities "
                        + "(\(facilities.joined(separator: ", "))): not added as a member; add their usernames "
                        + "under 'accounts:' in \(peopleFile), then run again")
                continue
            }
            let members = try membersMapping(in: teamEditor, file: teamFile)
            if without.isEmpty {
                try teamEditor.append(["\(newcomer.person.id): {}"], toBlockMapping: members.value)
                written.append(RosterWrite(file: teamFile, change: "added member \(newcomer.person.id)"))
            } else {
                let at = facilities.filter { !without.contains($0) }
                try teamEditor.append(
                    ["\(newcomer.person.id): {facilities: [\(at.map(RosterYAML.quoted).joined(separator: ", "))]}"],
                    toBlockMapping: members.value)
                written.append(
                    RosterWrite(
                        file: teamFile,
                        change: "added member \(newcomer.person.id) at \(at.joined(separator: ", ")) only "
                            + "(no username at \(without.joined(separator: ", ")))"))
            }
        }

        // Both texts must still be what they were meant to be: one YAML document of the expected shape.
        for (text, file) in [(peopleEditor.text, peopleFile), (teamEditor.text, teamFile)] {
            do throws(RosterError) {
                if file == peopleFile {
                    _ = try RosterPeopleFile.parse(text, file: file)
                } else {
                    _ = try RosterTeamFile.parse(text, file: file)
                }
            } catch {
                throw RosterError(
                    file: file,
                    message: "editing the file would have broken it (\(error.message)); nothing was written",
                    hint: "make these changes by hand, and please report this with the file")
            }
        }
        return Output(
            people: peopleEditor.text, team: teamEditor.text,
            report: RosterWriteReport(written: written, leftAlone: leftAlone))
    }

    /// Accounts in the order the team lists its facilities, then any others by name.
    static func ordered(_ accounts: [String: String], facilities: [String]) -> [(key: String, value: String)] {
        accounts.sorted {
            let (left, right) = (facilities.firstIndex(of: $0.key) ?? .max, facilities.firstIndex(of: $1.key) ?? .max)
            return (left, $0.key) < (right, $1.key)
        }
    }

    /// `id (Name)`, or the id alone.
    static func label(_ person: RosterDiff.Person) -> String {
        person.name.map { "\(person.id) (\($0))" } ?? person.id
    }

    private static func personEntry(
        _ id: String, in editor: RosterTextEditor, file: String
    ) throws(RosterError) -> YAMLNode.Pair {
        let people = try peopleMapping(in: editor, file: file)
        guard case .mapping(let pairs, _) = people.value, let entry = RosterTextEditor.pair(id, in: pairs) else {
            throw RosterYAML(file: file).error(at: people.key, "no person '\(id)' here")
        }
        return entry
    }

    private static func peopleMapping(in editor: RosterTextEditor, file: String) throws(RosterError) -> YAMLNode.Pair {
        guard let people = RosterTextEditor.pair("people", in: try editor.root()) else {
            throw RosterError(file: file, line: 1, message: "the people file has no 'people:' mapping")
        }
        return people
    }

    private static func membersMapping(in editor: RosterTextEditor, file: String) throws(RosterError) -> YAMLNode.Pair {
        guard let members = RosterTextEditor.pair("members", in: try editor.root()) else {
            throw RosterError(
                file: file, line: 1, message: "the team manifest has no 'members:' mapping to add newcomers to",
                hint: "add 'members:' with one member as 'id: {}', then run again")
        }
        return members
    }

    /// Appends a person at the end of `people:`, in the style of the entry before: block (with its indentation) or
    /// one flow line.
    private static func addPerson(
        _ person: RosterDiff.Person, to editor: inout RosterTextEditor, file: String, facilities: [String]
    ) throws(RosterError) {
        let people = try peopleMapping(in: editor, file: file)
        guard case .mapping(let pairs, let position) = people.value, let last = pairs.last else {
            throw RosterYAML(file: file).error(
                at: people.value, "'people:' is empty; cannot tell the style of its entries",
                hint: "add the first person by hand")
        }
        var fields: [(String, String)] = [("name", RosterYAML.quoted(person.name ?? person.id))]
        if let email = person.email { fields.append(("email", RosterYAML.quoted(email))) }
        if !person.accounts.isEmpty {
            let accounts = ordered(person.accounts, facilities: facilities)
                .map { "\($0.key): \(RosterYAML.quoted($0.value))" }.joined(separator: ", ")
            fields.append(("accounts", "{\(accounts)}"))
        }
        if case .mapping(let lastFields, let lastPosition) = last.value, !editor.isFlow(last.value), !lastFields.isEmpty
        {
            let childIndent = String(repeating: " ", count: lastPosition.column - position.column)
            try editor.append(
                ["\(person.id):"] + fields.map { "\(childIndent)\($0.0): \($0.1)" }, toBlockMapping: people.value)
        } else {
            let flow = fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            try editor.append(["\(person.id): {\(flow)}"], toBlockMapping: people.value)
        }
    }
}
