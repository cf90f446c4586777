import AccountModels
import Foundation

/// Finds, reads, parses and checks team manifests, reporting every problem at once.
///
/// A path may be a file (read whatever its extension) or a directory, whose `*.yaml` and `*.yml` files are
/// read in name order. Directories are not searched recursively, so a `manifests/archive/` folder beside the
/// live files is never picked up by accident.
public enum ManifestLoader {
    /// Expands the paths, parses and checks every file; never throws for content problems.
    ///
    /// Files are read and parsed in parallel (each on its own, on up to every core); the cross-file check (one
    /// file per project) then runs in path order, so the result does not depend on which file finished first.
    ///
    /// - Returns: the manifests of the files without errors, and every diagnostic (errors and warnings) of all
    ///   files, in path order.
    ///
    /// - Parameter passingOverTeamsAndSeeds: for `teamctl validate`, which checks team manifests itself: a team
    ///   manifest found in a directory is passed over without a word, and an emulator seed is passed over with a
    ///   warning even when named directly (so `validate $(find examples -name '*.yaml')` checks what is a manifest).
    public static func validate(
        paths: [String], today: CalendarDay, limits: ManifestLimits = .standard,
        passingOverTeamsAndSeeds: Bool = false
    ) -> (manifests: [LoadedManifest], diagnostics: [Diagnostic]) {
        // What the paths expand to, in order: the files, and the paths' own problems (missing, empty) between.
        var order: [Expanded] = []
        var files: [(path: String, namedDirectly: Bool)] = []
        var seen: Set<String> = []  // a file named twice (directly and through its directory) is read once
        for path in paths {
            let namedDirectly = !isDirectory(path)
            var problems: [Diagnostic] = []
            for file in expand([path], diagnostics: &problems)
            where seen.insert(URL(fileURLWithPath: file).resolvingSymlinksInPath().path).inserted {
                order.append(.file(files.count))
                files.append((file, namedDirectly))
            }
            order += problems.map(Expanded.problem)
        }
        let checked = ParallelMap.map(files) { file in
            check(
                file.path, namedDirectly: file.namedDirectly, today: today, limits: limits,
                passingOverTeamsAndSeeds: passingOverTeamsAndSeeds)
        }
        var diagnostics: [Diagnostic] = []
        var manifests: [LoadedManifest] = []
        // A project is one facility's: the same name at two facilities is two projects (NERSC's Slurm accounts are
        // named like its projects). A file without `facility:` is planned at whichever facility the run picks (a
        // profile, or the facility the other manifests name), so it clashes with a file of that project anywhere.
        var projects: [String: [(facility: String?, file: String)]] = [:]  // project -> the files governing it
        for item in order {
            let index: Int
            switch item {
            case .problem(let problem):
                diagnostics.append(problem)
                continue
            case .file(let fileIndex): index = fileIndex
            }
            let (file, (loaded, fileDiagnostics)) = (files[index].path, checked[index])
            diagnostics += fileDiagnostics
            guard let loaded else { continue }
            let project = loaded.manifest.project
            let facility = loaded.manifest.facility
            if let other = projects[project, default: []].first(where: {
                $0.facility == nil || facility == nil || $0.facility == facility
            }) {
                let (line, column) = loaded.locationOfProject
                let place = (facility ?? other.facility).map { " at facility '\($0)'" } ?? ""
                let hint: String
                switch (facility, other.facility) {
                case (nil, nil): hint = "a project appears in one file only; merge \(file) into \(other.file)"
                case (let mine?, let theirs?) where mine == theirs:
                    hint = "a project appears in one file per facility; merge \(file) into \(other.file)"
                default:
                    hint =
                        "a file without 'facility:' is planned at whichever facility the run picks; merge \(file) "
                        + "into \(other.file), or give each file the 'facility:' it governs"
                }
                diagnostics.append(
                    .error(
                        "project '\(project)'\(place) is also governed by \(other.file)", file: file, line: line,
                        column: column, hint: hint))
            } else {
                projects[project, default: []].append((facility, file))
                manifests.append(loaded)
            }
        }
        return (manifests, diagnostics)
    }

    /// What a path expands to: a file to check (its index in the list), or a problem with the path itself.
    private enum Expanded {
        case file(Int)
        case problem(Diagnostic)
    }

    /// Reads, parses and checks one file on its own.
    private static func check(
        _ file: String, namedDirectly: Bool, today: CalendarDay, limits: ManifestLimits,
        passingOverTeamsAndSeeds: Bool = false
    ) -> (LoadedManifest?, [Diagnostic]) {
        let text: String
        switch ManifestFile.read(file, limits: limits) {
        case .text(let read): text = read
        case .refused(let diagnostic): return (nil, [diagnostic])
        }
        // A directory of examples may hold the emulator's seed beside the manifests; it is not a manifest, so
        // skip it (saying so) unless it was named directly.
        if !namedDirectly || passingOverTeamsAndSeeds, looksLikeEmulatorSeed(text) {
            let skipped = Diagnostic.warning(
                "skipped: this is a teamctl-emulator seed (top-level 'users:' or 'cscs:', and no 'project:'), not a team manifest",
                file: file, line: 0, column: 0)
            return (nil, [skipped])
        }
        if TeamLoader.isPeopleFile(text: text) {
            // A people file named directly is checked as one; found in a directory, it is passed over, saying so.
            guard namedDirectly else {
                let skipped = Diagnostic.warning(
                    "skipped: this is a people file (top-level 'people:'), not a team manifest", file: file, line: 0,
                    column: 0)
                return (nil, [skipped])
            }
            return (nil, ManifestParser.parsePeople(text, file: file, today: today, limits: limits).diagnostics)
        }
        if TeamLoader.isTeamManifest(text: text) {
            if passingOverTeamsAndSeeds && !namedDirectly { return (nil, []) }
            let refused = Diagnostic.error(
                "this is a team manifest of version 2 (one team across facilities); give it on its own",
                file: file, line: 0, column: 0,
                hint: "run e.g. 'teamctl plan -f \(file)', without other manifests or directories")
            return (nil, [refused])
        }
        let outcome = ManifestParser.parse(text, file: file, today: today, limits: limits)
        return (outcome.loaded, outcome.diagnostics)
    }

    /// The team manifests (version 2) among the paths: those named directly, and those in the directories named
    /// (not searched recursively, as everywhere), in path order.
    public static func teamManifests(in paths: [String]) -> [String] {
        var ignored: [Diagnostic] = []
        return expand(paths, diagnostics: &ignored).filter {
            InputFile.kind(of: $0) == .regular && TeamLoader.isTeamManifest(path: $0)
        }
    }

    /// Like `validate`, but throws `ManifestError.invalid` when any error-severity diagnostic exists.
    public static func load(
        paths: [String], today: CalendarDay, limits: ManifestLimits = .standard
    ) throws -> [LoadedManifest] {
        let (manifests, diagnostics) = validate(paths: paths, today: today, limits: limits)
        if diagnostics.contains(where: { $0.severity == .error }) { throw ManifestError.invalid(diagnostics) }
        return manifests
    }

    /// Parses and checks one manifest held in memory (named `file` in diagnostics).
    public static func validate(
        text: String, file: String, today: CalendarDay, limits: ManifestLimits = .standard
    ) -> (manifest: LoadedManifest?, diagnostics: [Diagnostic]) {
        let outcome = ManifestParser.parse(text, file: file, today: today, limits: limits)
        return (outcome.loaded, outcome.diagnostics)
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Whether a file's top level has the emulator seed's `users:` key and no manifest `project:` key.
    static func looksLikeEmulatorSeed(_ text: String) -> Bool {
        // A manifest says `version:` or `project:` in its first lines, so this usually stops there.
        let bytes = text.utf8
        var hasUsers = false
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let line = bytes[index...]
            if line.starts(with: "project:".utf8) || line.starts(with: "version:".utf8) { return false }
            // SFAPI's part (`users:`) or CSCS's alone (`cscs:`, examples/cscs/emulator.yaml).
            if line.starts(with: "users:".utf8) || line.starts(with: "cscs:".utf8) { hasUsers = true }
            guard let newline = line.firstIndex(of: UInt8(ascii: "\n")) else { break }
            index = bytes.index(after: newline)
        }
        return hasUsers
    }

    /// The files the paths name: files as given, directories expanded (non-recursively) to their sorted
    /// `*.yaml` / `*.yml` entries. Paths that do not exist, and directories without manifests, are diagnostics.
    ///
    /// Every entry of a directory that is not itself a directory is kept, whatever it is: a dangling or looping
    /// link, a FIFO or a device named like a manifest is then an error when it is read, naming it, instead of a
    /// project that is silently never planned.
    static func expand(_ paths: [String], diagnostics: inout [Diagnostic]) -> [String] {
        var files: [String] = []
        for path in paths {
            guard InputFile.exists(path) else {
                diagnostics.append(
                    .error(
                        "no such file or directory", file: path, line: 0, column: 0,
                        hint: "check the path; teamctl takes manifest files or directories of them"))
                continue
            }
            guard InputFile.kind(of: path) == .directory else {
                files.append(path)
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                diagnostics.append(
                    .error(
                        "cannot list the directory: \(error.localizedDescription)", file: path,
                        line: 0, column: 0))
                continue
            }
            let manifests = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path.hasSuffix("/") ? path : path + "/") + $0 }
                // A folder named like a manifest is passed over, as it always was; a link that leads nowhere is not.
                .filter { InputFile.kind(of: $0) != .directory }
            if manifests.isEmpty {
                diagnostics.append(
                    .error(
                        "the directory holds no *.yaml or *.yml files", file: path, line: 0,
                        column: 0, hint: "name manifest files like m1234.yaml"))
            }
            files += manifests
        }
        return files
    }
}
