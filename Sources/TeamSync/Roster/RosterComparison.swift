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
    /// The columns used: those given, and the others guessed from the header.
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
    /// - Parameter columns: the columns to read; any it leaves out (all, when nil or empty) are guessed from the
    ///   header and the team's facilities.
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
        let guessed = RosterColumns.guess(header: table.header, facilities: team.facilities)
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
            columns = given.filled(from: guessed)
        } else {
            columns = guessed
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

    /// Replaces a file's contents atomically and durably: a temporary file beside it, created by `open(2)` with mode
    /// 0600 and `O_EXCL` (so the new text is never readable under the umask's mode, often 0644, not even for an
    /// instant), written in full and synced, given the replaced file's own mode (and owner, where allowed; a file of
    /// 0600 stays 0600, one the team already shares keeps its mode), renamed over it, then the folder synced so the
    /// rename survives a crash.
    ///
    /// - Parameters:
    ///   - created: called with the temporary file's path as soon as it exists (tests look at its mode then).
    ///   - beforeRename: called with the temporary file's path once it is complete and synced.
    static func replace(
        _ path: String, with text: String, created: (String) -> Void = { _ in },
        beforeRename: (String) -> Void = { _ in }
    ) throws(RosterError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        var original = stat()
        let known = stat(target.path, &original) == 0
        let folder = target.deletingLastPathComponent().path
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 where fd < 0 {
            temporary =
                folder + "/.\(target.lastPathComponent).roster-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0, errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw RosterError(
                file: path, message: "cannot write a temporary file beside it (\(String(cString: strerror(errno))))",
                hint: "check that its folder is writable and the disk is not full")
        }
        created(temporary)
        func fail(_ message: String) -> RosterError {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            return RosterError(
                file: path, message: "\(message): \(reason); the file was left as it was",
                hint: "check that its folder is writable and the disk is not full")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw fail("cannot write the new text") }
            written += count
        }
        if known {
            // The owner first: a chown clears set-id bits, and the mode below is the original's.
            _ = fchown(fd, original.st_uid, original.st_gid)
            guard fchmod(fd, original.st_mode & 0o777) == 0 else { throw fail("cannot give the new file its mode") }
        }
        guard fsync(fd) == 0 else { throw fail("cannot write the new text to disk") }
        beforeRename(temporary)
        guard close(fd) == 0 else {
            unlink(temporary)
            throw RosterError(file: path, message: "cannot write the new text: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RosterError(file: path, message: "cannot replace the file: \(reason)")
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}
