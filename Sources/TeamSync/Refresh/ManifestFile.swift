import AccountModels
import Foundation
import Yams

/// Reads a team manifest just far enough for a refresh: its groups and its `facility:`.
///
/// Full validation with diagnostics is `teamctl validate`'s job; this only needs the file to decode.
enum ManifestFile {
    /// The manifest files `paths` name: files as given, directories as the YAML files under them, sorted.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw RefreshError.unreadableManifest(path: path, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = (FileManager.default.subpaths(atPath: path) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            files.append(contentsOf: found)
        }
        return files
    }

    static func read(path: String) throws -> TeamManifest {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RefreshError.unreadableManifest(path: path, reason: error.localizedDescription)
        }
        do {
            return try YAMLDecoder().decode(TeamManifest.self, from: text)
        } catch {
            throw RefreshError.unreadableManifest(
                path: path, reason: "not a valid manifest (run 'teamctl validate \(path)' for details)")
        }
    }
}

/// Why a refresh could not start.
public enum RefreshError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A manifest named with `-f` could not be read.
    case unreadableManifest(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableManifest(let path, let reason): return "cannot read the manifest \(path): \(reason)"
        }
    }
}
