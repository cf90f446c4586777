import AccountModels
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A collaboration's CSV list compared with a version 2 team manifest and its people file: reads the three files,
/// diffs them, and with `write()` brings the two YAML files in line with the list.
public struct RosterComparison: Sendable {
    /// The team manifest, as named.
    public var teamFile: String
    /// The people file the team manifest names, resolved against its folder.
    public var peopleFile: String
    /// The list, as named.
    public var csvFile: String
    /// The columns used: those given, or those guessed from the header.
    public var columns: RosterColumns
    /// The team's facility names, in the order the manifest lists them.
    public var facilities: [String]
    /// The day compared against.
    public var today: CalendarDay
    /// The differences.
    public var diff: RosterDiff

    private var teamText: String
    private var peopleText: String

    /// Reads the files and compares them.
    ///
    /// - Parameter columns: the columns to read; nil or empty to guess them from the header and the team's
    ///   facilities.
    /// - Throws: `RosterError` naming the file and line of anything unreadable or of the wrong shape.
    public static func load(
        teamFile: String, csvFile: String, columns given: RosterColumns?, today: CalendarDay
    ) throws(RosterError) -> RosterComparison {
        let teamText = try RosterYAML.readText(teamFile)
        let team = try RosterTeamFile.parse(teamText, file: teamFile)
        let peopleFile = team.peoplePath
        // roster diff reads the people file and --write rewrites it: it must lie in the team manifest's folder.
        if let outside = PeopleFileLocation.outside(peopleFile, teamFile: teamFile) {
            throw RosterError(
                file: teamFile,
                message: "the people file '\(team.people)' lies outside this team manifest's folder "
                    + "(\(outside.resolved) is not under \(outside.folder)); it was not read",
                hint: "keep the people file in the team manifest's folder or below it, named relative to the manifest")
        }
        let peopleText = try RosterYAML.readText(peopleFile)
        let people = try RosterPeopleFile.parse(peopleText, file: peopleFile)
        let table = try CSVTable.read(csvFile)
        let columns: RosterColumns
        if let given, !given.isEmpty {
            let unknown = given.accounts.keys.filter { !team.facilities.contains($0) }.sorted()
            guard unknown.isEmpty else {
                throw RosterError(
                    file: teamFile,
                    message: "the column mapping names facility \(unknown.map { "'\($0)'" }.joined(separator: ", ")), "
                        + "which the team does not have",
                    hint: "the team's facilities are \(team.facilities.joined(separator: ", "))")
            }
            columns = given
        } else {
            columns = RosterColumns.guess(header: table.header, facilities: team.facilities)
        }
        let entries = try columns.entries(of: table, file: csvFile)
        return RosterComparison(
            teamFile: teamFile, peopleFile: peopleFile, csvFile: csvFile, columns: columns,
            facilities: team.facilities, today: today,
            diff: RosterDiff(entries: entries, people: people, team: team, today: today), teamText: teamText,
            peopleText: peopleText)
    }

    /// Edits the people file and the team manifest to match the list (see `RosterWriter`), each written atomically
    /// with its mode kept, then read back to check it is still one YAML document; if not, both are restored.
    ///
    /// - Throws: `RosterError` when a file changed since it was read, cannot be edited in place, or cannot be
    ///   written.
    public func write() throws(RosterError) -> RosterWriteReport {
        for (file, text) in [(teamFile, teamText), (peopleFile, peopleText)] {
            guard try RosterYAML.readText(file) != text else { continue }
            throw RosterError(
                file: file, message: "the file changed since roster diff read it; nothing was written",
                hint: "run roster diff again")
        }
        let output = try RosterWriter.apply(
            diff, people: peopleText, peopleFile: peopleFile, team: teamText, teamFile: teamFile, today: today,
            facilities: facilities)
        var replaced: [(file: String, original: String)] = []
        do throws(RosterError) {
            for (file, original, edited) in [
                (peopleFile, peopleText, output.people), (teamFile, teamText, output.team),
            ] where edited != original {
                try Self.replace(file, with: edited)
                replaced.append((file, original))
            }
            for (file, _) in replaced {
                _ = try RosterYAML(file: file).compose(try RosterYAML.readText(file))
            }
        } catch {
            for (file, original) in replaced { try? Self.replace(file, with: original) }
            throw RosterError(
                file: error.file, line: error.line, column: error.column,
                message: "\(error.message); the files were restored as they were", hint: error.hint)
        }
        return output.report
    }

    /// Replaces a file's contents atomically: a temporary file beside it with the same mode, renamed over it.
    static func replace(_ path: String, with text: String) throws(RosterError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let attributes = try? FileManager.default.attributesOfItem(atPath: target.path)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).roster-\(getpid()).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else {
            throw RosterError(
                file: path, message: "cannot write a temporary file beside it",
                hint: "check that its folder is writable and the disk is not full")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw RosterError(file: path, message: "cannot replace the file: \(reason)")
        }
    }
}
