import AccountModels
import Foundation

/// Reads a team manifest of version 2 and the people file it names, and resolves the team for its facilities.
public enum TeamLoader {
    /// Whether a file is a team manifest of version 2 (a top-level `version: 2` line), without parsing it.
    public static func isTeamManifest(path: String) -> Bool {
        // Only a regular file is looked at, without blocking: a FIFO or a device is "not a team manifest" here, and
        // reading it as a manifest then says what it is.
        guard let head = InputFile.head(path, maxBytes: 64 * 1024) else { return false }
        return isTeamManifest(text: String(decoding: head, as: UTF8.self))
    }

    /// Whether a text has a top-level `version: 2` line. Reads only up to the first top-level `version:` line (a
    /// manifest's first lines), so checking 50 manifests of 5,000 people costs nothing.
    static func isTeamManifest(text: String) -> Bool {
        var answer = false
        forEachTopLevelLine(of: text) { line in
            guard line.starts(with: "version:".utf8) else { return true }
            let value = line.dropFirst("version:".utf8.count).prefix { $0 != UInt8(ascii: "#") }
            answer = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces) == "2"
            return false
        }
        return answer
    }

    /// Whether a text is a people file (top-level `people:` and no `project:`, `team:` or `members:`); stops at the
    /// first of those keys.
    static func isPeopleFile(text: String) -> Bool {
        var answer = false
        forEachTopLevelLine(of: text) { line in
            for key in ["project:", "team:", "members:"] where line.starts(with: key.utf8) {
                answer = false
                return false
            }
            if line.starts(with: "people:".utf8) { answer = true }
            return true
        }
        return answer
    }

    /// Calls `body` with each line that starts at column 1 (a top-level key, or a comment) until it returns false.
    private static func forEachTopLevelLine(of text: String, _ body: (Substring.UTF8View) -> Bool) {
        let bytes = Substring(text).utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let line = bytes[index..<end]
            if let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "#"), !body(line) { return }
            index = end == bytes.endIndex ? end : bytes.index(after: end)
        }
    }

    /// Parses the team and its people file and resolves the team; every problem of both files and of resolution is
    /// a diagnostic. The result is nil when any is an error.
    ///
    /// - Parameter peopleOutside: whether the people file may lie outside the team manifest's folder (the user said
    ///   so with `--people-outside`); otherwise one that does is an error, and it is not read.
    public static func validate(
        path: String, today: CalendarDay, profiles: [String: FacilityTraits], profilesSource: String,
        only: Set<String>? = nil, limits: ManifestLimits = .standard, peopleOutside: Bool = false
    ) -> (team: ResolvedTeam?, diagnostics: [Diagnostic]) {
        let teamText: String
        switch ManifestFile.read(path, limits: limits) {
        case .text(let text): teamText = text
        case .refused(let diagnostic): return (nil, [diagnostic])
        }
        let (team, teamDiagnostics) = ManifestParser.parseTeam(teamText, file: path, today: today, limits: limits)
        guard let team else { return (nil, teamDiagnostics) }
        let peoplePath = peoplePath(team.spec.peopleFile, besides: path)
        if !peopleOutside, let outside = PeopleFileLocation.outside(peoplePath, teamFile: path) {
            let place = team.peopleLocation
            let refused = Diagnostic.error(
                "the people file '\(team.spec.peopleFile)' lies outside this team manifest's folder "
                    + "(\(outside.resolved) is not under \(outside.folder)); it was not read",
                file: path, line: place.line, column: place.column, hint: PeopleFileLocation.hint)
            return (nil, teamDiagnostics + [refused])
        }
        let peopleText: String
        switch ManifestFile.read(peoplePath, limits: peopleLimits(limits)) {
        case .text(let text): peopleText = text
        case .refused(let diagnostic):
            let place = team.peopleLocation
            let cause = Diagnostic.error(
                "cannot read the people file \(peoplePath): \(diagnostic.message)", file: path, line: place.line,
                column: place.column, hint: "'people' names a file relative to this manifest's folder")
            return (nil, teamDiagnostics + [cause])
        }
        let (people, peopleDiagnostics) = ManifestParser.parsePeople(
            peopleText, file: peoplePath, today: today, limits: peopleLimits(limits))
        guard let people else { return (nil, teamDiagnostics + peopleDiagnostics) }
        let (resolved, resolution) = TeamResolver.resolve(
            team: team, people: people, profiles: profiles, profilesSource: profilesSource, only: only)
        return (resolved, teamDiagnostics + peopleDiagnostics + resolution)
    }

    /// Like `validate`, but throws `ManifestError.invalid` when any diagnostic is an error.
    public static func load(
        path: String, today: CalendarDay, profiles: [String: FacilityTraits], profilesSource: String,
        only: Set<String>? = nil, peopleOutside: Bool = false
    ) throws -> (team: ResolvedTeam, diagnostics: [Diagnostic]) {
        let (team, diagnostics) = validate(
            path: path, today: today, profiles: profiles, profilesSource: profilesSource, only: only,
            peopleOutside: peopleOutside)
        guard let team else { throw ManifestError.invalid(diagnostics) }
        return (team, diagnostics)
    }

    /// The people file's path: as written when absolute, else relative to the manifest's folder.
    static func peoplePath(_ written: String, besides manifest: String) -> String {
        if written.hasPrefix("/") { return written }
        let folder = (manifest as NSString).deletingLastPathComponent
        return folder.isEmpty ? written : (folder as NSString).appendingPathComponent(written)
    }

    /// A people file of a large collaboration holds more than one team's manifest: four times the room.
    static func peopleLimits(_ limits: ManifestLimits) -> ManifestLimits {
        var larger = limits
        larger.maxFileBytes = limits.maxFileBytes * 4
        return larger
    }
}
