import AccountModels
import Foundation

/// The difference between a collaboration's own membership list and a team: who is on the list but not in the team,
/// who is in the team but not on the list, and whose email or username the two give differently.
///
/// A pure function of values (`init(entries:people:team:today:)`); sorted, so the same inputs always give the same
/// diff.
public struct RosterDiff: Sendable, Hashable, Codable {
    /// A person as the diff shows them: the list's details, falling back to the people file's where a cell is empty.
    public struct Person: Sendable, Hashable, Codable {
        /// The id in the people file; for someone the people file does not know, the id `--write` gives them.
        public var id: String
        /// The full name.
        public var name: String?
        /// The email address.
        public var email: String?
        /// Facility name to username.
        public var accounts: [String: String]

        /// Creates a person.
        public init(id: String, name: String? = nil, email: String? = nil, accounts: [String: String] = [:]) {
            self.id = id
            self.name = name
            self.email = email
            self.accounts = accounts
        }
    }

    /// Why someone on the list is not in the team.
    public enum NewcomerKind: String, Sendable, Hashable, Codable {
        /// The people file does not know them: `--write` adds them there and to the team.
        case newPerson
        /// Known to the people file but not a team member: `--write` adds them to the team.
        case notMember
        /// A team member (or person) whose `until` has passed: re-admitting them is a decision for a person, so
        /// `--write` leaves them.
        case ended
    }

    /// Someone on the list who is not in the team.
    public struct Newcomer: Sendable, Hashable, Codable {
        /// Who, as the list gives them.
        public var person: Person
        /// Why they are not in the team.
        public var kind: NewcomerKind
        /// For `ended`, the day their membership (or the person) ended.
        public var until: CalendarDay?
        /// The list's line.
        public var line: Int
    }

    /// A team member, active on the day compared, who is not on the list.
    public struct Missing: Sendable, Hashable, Codable {
        /// Who, as the people file gives them (only the id when it does not know them).
        public var person: Person
        /// Protected by the team's policy: never ended, only reported.
        public var protected: Bool
    }

    /// An email or a username the list gives differently from the people file.
    public struct Difference: Sendable, Hashable, Codable {
        /// The person's id.
        public var id: String
        /// The person's name, from the list or else the people file.
        public var name: String?
        /// The facility whose username differs; nil when the email differs.
        public var facility: String?
        /// What the list says.
        public var listValue: String
        /// What the people file says; nil when it says nothing.
        public var peopleValue: String?
        /// The list's line.
        public var line: Int
    }

    /// On the list, not in the team; by id.
    public var newcomers: [Newcomer]
    /// In the team, not on the list; by id.
    public var missing: [Missing]
    /// Details that differ; by id, the email first, then facilities by name.
    public var differences: [Difference]

    /// Whether the list and the team agree.
    public var isEmpty: Bool { newcomers.isEmpty && missing.isEmpty && differences.isEmpty }

    /// Compares the list's rows with the people file and the team as of `today`.
    ///
    /// Each row is matched to a person by its id when the list has one, else by email (ignoring case and
    /// surrounding spaces), else by any facility username. An empty cell is "not given", never a difference.
    package init(entries: [RosterEntry], people: RosterPeopleFile, team: RosterTeamFile, today: CalendarDay) {
        var byID: [String: RosterPeopleFile.Person] = [:]
        var byEmail: [String: String] = [:]
        var byAccount: [String: [String: String]] = [:]  // facility -> username -> id
        for person in people.people where byID[person.id] == nil {
            byID[person.id] = person
            if let email = person.email.map(Self.emailKey), byEmail[email] == nil { byEmail[email] = person.id }
            for (facility, username) in person.accounts where byAccount[facility, default: [:]][username] == nil {
                byAccount[facility, default: [:]][username] = person.id
            }
        }
        var members: [String: RosterTeamFile.Member] = [:]
        for member in team.members where members[member.id] == nil { members[member.id] = member }

        func match(_ entry: RosterEntry) -> String? {
            if let id = entry.id { return byID[id] == nil ? nil : id }
            if let email = entry.email.map(Self.emailKey), let id = byEmail[email] { return id }
            return entry.accounts.sorted { $0.key < $1.key }.lazy.compactMap { byAccount[$0.key]?[$0.value] }.first
        }
        /// The last day someone is active: the earlier of their membership's and their own end.
        func lastDay(_ id: String) -> CalendarDay? {
            [members[id]?.until, byID[id]?.until].compactMap { $0 }.min()
        }

        var newcomers: [Newcomer] = []
        var differences: Set<Difference> = []
        var onList: Set<String> = []
        var takenIDs = Set(byID.keys).union(members.keys)
        var newEmails: Set<String> = []
        for entry in entries {
            guard let id = match(entry) else {
                if let email = entry.email.map(Self.emailKey), !newEmails.insert(email).inserted { continue }
                let newID = Self.uniqueID(Self.proposedID(for: entry), taken: takenIDs)
                takenIDs.insert(newID)
                let person = Person(id: newID, name: entry.name, email: entry.email, accounts: entry.accounts)
                newcomers.append(Newcomer(person: person, kind: .newPerson, line: entry.line))
                continue
            }
            let known = byID[id]!
            let person = Person(
                id: id, name: entry.name ?? known.name, email: entry.email ?? known.email,
                accounts: known.accounts.merging(entry.accounts) { _, listed in listed })
            let firstRow = onList.insert(id).inserted
            if firstRow, let until = lastDay(id), until < today {
                newcomers.append(Newcomer(person: person, kind: .ended, until: until, line: entry.line))
            } else if firstRow, members[id] == nil {
                newcomers.append(Newcomer(person: person, kind: .notMember, line: entry.line))
            }
            if let email = entry.email, known.email.map(Self.emailKey) != Self.emailKey(email) {
                differences.insert(
                    Difference(
                        id: id, name: person.name, facility: nil, listValue: email, peopleValue: known.email,
                        line: entry.line))
            }
            for (facility, username) in entry.accounts where known.accounts[facility] != username {
                differences.insert(
                    Difference(
                        id: id, name: person.name, facility: facility, listValue: username,
                        peopleValue: known.accounts[facility], line: entry.line))
            }
        }

        var missing: [Missing] = []
        for member in members.values where !onList.contains(member.id) {
            if let until = lastDay(member.id), until < today { continue }
            let known = byID[member.id]
            let person = Person(id: member.id, name: known?.name, email: known?.email, accounts: known?.accounts ?? [:])
            missing.append(Missing(person: person, protected: team.protected.contains(member.id)))
        }

        self.newcomers = newcomers.sorted { ($0.person.id, $0.line) < ($1.person.id, $1.line) }
        self.missing = missing.sorted { $0.person.id < $1.person.id }
        self.differences = differences.sorted {
            ($0.id, $0.facility ?? "", $0.line, $0.listValue) < ($1.id, $1.facility ?? "", $1.line, $1.listValue)
        }
    }

    /// An email as matching compares it.
    static func emailKey(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The id a newcomer gets: the list's id, else the email's local part, else the name as initial and surname
    /// (`Ana Morales` and `Morales, Ana` give `amorales`); lowercase, only `a-z`, `0-9`, `_` and `-`.
    static func proposedID(for entry: RosterEntry) -> String {
        var candidates: [String] = []
        if let id = entry.id { candidates.append(id) }
        if let email = entry.email { candidates.append(String(email.prefix { $0 != "@" })) }
        if let name = entry.name {
            let parts = name.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let ordered = parts.count == 2 ? parts[1] + " " + parts[0] : name
            let words = ordered.split(whereSeparator: \.isWhitespace)
            if let first = words.first?.first, let last = words.last, words.count > 1 {
                candidates.append(String(first) + last)
            } else if let only = words.first {
                candidates.append(String(only))
            }
        }
        for candidate in candidates {
            let folded = candidate.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            let id = String(folded.unicodeScalars.filter { $0.isASCII && (isIDScalar($0)) }.map(Character.init))
            if !id.isEmpty { return id }
        }
        return "person"
    }

    private static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }

    /// `base`, or `base2`, `base3`, ... whichever is first not taken.
    static func uniqueID(_ base: String, taken: Set<String>) -> String {
        guard taken.contains(base) else { return base }
        var suffix = 2
        while taken.contains("\(base)\(suffix)") { suffix += 1 }
        return "\(base)\(suffix)"
    }
}
