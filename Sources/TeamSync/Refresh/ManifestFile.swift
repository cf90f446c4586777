import AccountModels
import Foundation
import Yams

/// Reads a team manifest just far enough for a refresh: its group names and its `facility:`.
///
/// Full validation with diagnostics is `teamctl validate`'s job; a refresh only needs the names.
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
            // In a folder, only YAML files with a top-level `project:` are manifests (a folder may hold others).
            let found = (FileManager.default.subpaths(atPath: path) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
                .filter(looksLikeManifest)
            files.append(contentsOf: found)
        }
        return files
    }

    static func looksLikeManifest(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let top = (try? Yams.load(yaml: text)) as? [String: Any]
        else { return false }
        return top["project"] != nil
    }

    /// What a refresh needs from one manifest: its group names and its `facility:`.
    struct RefreshView {
        var groups: [String]
        var facility: String?
    }

    static func read(path: String) throws -> RefreshView {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RefreshError.unreadableManifest(path: path, reason: error.localizedDescription)
        }
        guard let top = (try? Yams.load(yaml: text)) as? [String: Any], top["project"] is String else {
            throw RefreshError.unreadableManifest(
                path: path, reason: "not a team manifest (run 'teamctl validate \(path)' for details)")
        }
        let groups = (top["groups"] as? [String: Any]).map { Array($0.keys) } ?? []
        return RefreshView(groups: groups.sorted(), facility: top["facility"] as? String)
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
