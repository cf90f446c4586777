import Foundation

/// Which columns of the collaboration's CSV list give a person's id, name, email and username at each facility.
///
/// Given by flags or a mapping file, or guessed from the header (`RosterColumns.guess`). Column names are matched
/// exactly first, then ignoring case and surrounding spaces.
public struct RosterColumns: Sendable, Hashable, Codable {
    /// The column with the person's id in the people file, if the list has one.
    public var id: String?
    /// The column with the person's full name.
    public var name: String?
    /// The column with the person's email address.
    public var email: String?
    /// Facility name to the column with the person's username there.
    public var accounts: [String: String]

    /// Creates a mapping.
    public init(id: String? = nil, name: String? = nil, email: String? = nil, accounts: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.email = email
        self.accounts = accounts
    }

    /// Whether no column is mapped at all.
    public var isEmpty: Bool { id == nil && name == nil && email == nil && accounts.isEmpty }

    /// This mapping with every column `other` maps taking the place of this one's.
    public func overridden(by other: RosterColumns) -> RosterColumns {
        RosterColumns(
            id: other.id ?? id, name: other.name ?? name, email: other.email ?? email,
            accounts: accounts.merging(other.accounts) { _, new in new })
    }

    /// This mapping with what it leaves out taken from `guess`: naming one column (say `--account-column`) does not
    /// stop the others being guessed. A guessed column that this mapping already reads for something else is left
    /// out, so one column never stands for two things.
    public func filled(from guess: RosterColumns) -> RosterColumns {
        let taken = Set(
            ([id, name, email] + accounts.values.map(Optional.some)).compactMap { $0 }.map(Self.normalized))
        func free(_ column: String?) -> String? {
            column.flatMap { taken.contains(Self.normalized($0)) ? nil : $0 }
        }
        var filled = RosterColumns(
            id: id ?? free(guess.id), name: name ?? free(guess.name), email: email ?? free(guess.email),
            accounts: accounts)
        for (facility, column) in guess.accounts where filled.accounts[facility] == nil {
            filled.accounts[facility] = free(column)
        }
        return filled
    }

    /// Guesses the columns from the header's names, ignoring case: `id` or `person`; `name` or `full name`;
    /// `email` or `e-mail`; and for each facility F, `F`, `F username`, `F user` or `F_username`.
    public static func guess(header: [String], facilities: [String]) -> RosterColumns {
        func first(_ names: [String]) -> String? {
            header.first { names.contains(normalized($0)) }
        }
        var columns = RosterColumns(
            id: first(["id", "person"]), name: first(["name", "full name"]), email: first(["email", "e-mail"]))
        for facility in facilities {
            let base = normalized(facility)
            if let column = first([base, base + " username", base + " user", base + "_username"]) {
                columns.accounts[facility] = column
            }
        }
        return columns
    }

    /// `FACILITY=COLUMN`, as `--account-column` takes it; nil when there is no `=` or either side is empty.
    public static func accountColumn(_ argument: String) -> (facility: String, column: String)? {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        let facility = argument[..<equals].trimmingCharacters(in: .whitespaces)
        let column = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !facility.isEmpty, !column.isEmpty else { return nil }
        return (facility, column)
    }

    /// Reads a mapping file: `{id: COLUMN, name: COLUMN, email: COLUMN, accounts: {FACILITY: COLUMN, ...}}`.
    public static func readMapping(_ path: String) throws(RosterError) -> RosterColumns {
        let text = try RosterYAML.readText(path)
        return try parseMapping(text, file: path)
    }

    /// Parses a mapping file's text; `file` names it in errors.
    public static func parseMapping(_ text: String, file: String) throws(RosterError) -> RosterColumns {
        let yaml = RosterYAML(file: file)
        let root = try yaml.mapping(try yaml.compose(text), what: "the column mapping")
        var columns = RosterColumns()
        for pair in root {
            let key = try yaml.scalar(pair.key, what: "a key")
            switch key {
            case "id": columns.id = try yaml.scalar(pair.value, what: "the id column")
            case "name": columns.name = try yaml.scalar(pair.value, what: "the name column")
            case "email": columns.email = try yaml.scalar(pair.value, what: "the email column")
            case "accounts":
                for account in try yaml.mapping(pair.value, what: "accounts (facility: column)") {
                    let facility = try yaml.scalar(account.key, what: "a facility name")
                    columns.accounts[facility] = try yaml.scalar(account.value, what: "the \(facility) column")
                }
            default:
                throw yaml.error(
                    at: pair.key, "unknown key '\(key)' in the column mapping",
                    hint: "the keys are id, name, email and accounts")
            }
        }
        return columns
    }

    /// Reads every row of the table through this mapping; an empty cell is "not given".
    ///
    /// - Throws: `RosterError` when a mapped column is not in the header (listing the header's columns), or when no
    ///   column can tell who a row is (no id, email or username column).
    public func entries(of table: CSVTable, file: String) throws(RosterError) -> [RosterEntry] {
        let columnList = table.header.map { "'\($0)'" }.joined(separator: ", ")
        func index(of column: String, for what: String) throws(RosterError) -> Int {
            if let exact = table.header.firstIndex(of: column) { return exact }
            let wanted = Self.normalized(column)
            if let loose = table.header.firstIndex(where: { Self.normalized($0) == wanted }) { return loose }
            throw RosterError(
                file: file, line: 1, message: "the \(what) column '\(column)' is not in the header",
                hint: "the header's columns are \(columnList)")
        }
        let idIndex = try id.map { (column) throws(RosterError) in try index(of: column, for: "id") }
        let nameIndex = try name.map { (column) throws(RosterError) in try index(of: column, for: "name") }
        let emailIndex = try email.map { (column) throws(RosterError) in try index(of: column, for: "email") }
        var accountIndices: [(facility: String, index: Int)] = []
        for (facility, column) in accounts.sorted(by: { $0.key < $1.key }) {
            accountIndices.append((facility, try index(of: column, for: "\(facility) username")))
        }
        guard idIndex != nil || emailIndex != nil || !accountIndices.isEmpty else {
            throw RosterError(
                file: file, line: 1,
                message: "no column tells who a row is: none is mapped to an id, email or username",
                hint: "the header's columns are \(columnList); name them with --email-column, --id-column or "
                    + "--account-column FACILITY=COLUMN, or in a --mapping file")
        }
        func cell(_ row: CSVTable.Row, _ index: Int?) -> String? {
            guard let index else { return nil }
            let value = row.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            return value.isEmpty ? nil : value
        }
        return table.rows.map { row in
            var accounts: [String: String] = [:]
            for (facility, index) in accountIndices { accounts[facility] = cell(row, index) }
            return RosterEntry(
                line: row.line, id: cell(row, idIndex), name: cell(row, nameIndex), email: cell(row, emailIndex),
                accounts: accounts)
        }
    }

    /// A column or facility name as guessing and loose matching compare it.
    static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

/// One row of the collaboration's list, read through the column mapping. Absent means the cell was empty.
public struct RosterEntry: Sendable, Hashable, Codable {
    /// The 1-based line of the CSV file the row starts on.
    public var line: Int
    /// The person's id in the people file, when the list has an id column.
    public var id: String?
    /// The person's full name.
    public var name: String?
    /// The person's email address.
    public var email: String?
    /// Facility name to the person's username there.
    public var accounts: [String: String]

    /// Creates an entry.
    public init(
        line: Int, id: String? = nil, name: String? = nil, email: String? = nil, accounts: [String: String] = [:]
    ) {
        self.line = line
        self.id = id
        self.name = name
        self.email = email
        self.accounts = accounts
    }
}
