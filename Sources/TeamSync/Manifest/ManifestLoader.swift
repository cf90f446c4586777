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
    /// - Returns: the manifests of the files without errors, and every diagnostic (errors and warnings) of all
    ///   files, in path order.
    public static func validate(
        paths: [String], today: CalendarDay, limits: ManifestLimits = .standard
    ) -> (manifests: [LoadedManifest], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var manifests: [LoadedManifest] = []
        var projects: [String: String] = [:]  // project -> the first file that governs it
        var seen: Set<String> = []  // a file named twice (directly and through its directory) is read once
        for path in paths {
            let namedDirectly = !isDirectory(path)
            for file in expand([path], diagnostics: &diagnostics)
            where seen.insert(URL(fileURLWithPath: file).resolvingSymlinksInPath().path).inserted {
                let text: String
                switch ManifestFile.read(file, limits: limits) {
                case .text(let read): text = read
                case .refused(let diagnostic):
                    diagnostics.append(diagnostic)
                    continue
                }
                // A directory of examples may hold the emulator's seed beside the manifests; it is not a
                // manifest, so skip it (saying so) unless it was named directly.
                if !namedDirectly, looksLikeEmulatorSeed(text) {
                    diagnostics.append(
                        .warning(
                            "skipped: this is a teamctl-emulator seed (top-level 'users:' and no 'project:'), "
                                + "not a team manifest", file: file, line: 0, column: 0))
                    continue
                }
                var outcome = ManifestParser.parse(text, file: file, today: today, limits: limits)
                if let loaded = outcome.loaded {
                    let project = loaded.manifest.project
                    if let other = projects[project] {
                        let (line, column) = loaded.locationOfProject
                        outcome.diagnostics.append(
                            .error(
                                "project '\(project)' is also governed by \(other)", file: file, line: line,
                                column: column,
                                hint: "a project appears in one file only; merge \(file) into \(other)"))
                    } else {
                        projects[project] = file
                        manifests.append(loaded)
                    }
                }
                diagnostics += outcome.diagnostics
            }
        }
        return (manifests, diagnostics)
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
        var hasUsers = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("project:") || line.hasPrefix("version:") { return false }
            if line.hasPrefix("users:") { hasUsers = true }
        }
        return hasUsers
    }

    /// The files the paths name: files as given, directories expanded (non-recursively) to their sorted
    /// `*.yaml` / `*.yml` files. Paths that do not exist, and directories without manifests, are diagnostics.
    static func expand(_ paths: [String], diagnostics: inout [Diagnostic]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(
                    .error(
                        "no such file or directory", file: path, line: 0, column: 0,
                        hint: "check the path; teamctl takes manifest files or directories of them"))
                continue
            }
            guard isDirectory.boolValue else {
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
                .filter { candidate in
                    var isDirectory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory)
                        && !isDirectory.boolValue
                }
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
