import Foundation

/// Where a team manifest's people file may lie: in the team manifest's folder or below it.
///
/// A team manifest arrives in pull requests; its `people:` line must not make teamctl open (and quote) a file
/// elsewhere on the machine, such as `/etc/shadow`, `../../.env` or a key file. The check is made on the path
/// with every `..` and symbolic link resolved, so a link inside the folder that leads outside is outside too, and
/// before the file is opened. `--people-outside` lifts it for a team manifest the user trusts.
public enum PeopleFileLocation {
    /// Where a people file outside its team's folder resolves to, and that folder, for the message.
    public struct Outside: Sendable, Hashable {
        /// The people file's path with links and `..` resolved.
        public var resolved: String
        /// The team manifest's folder, resolved the same way.
        public var folder: String
    }

    /// What to do when the people file lies outside.
    public static let hint =
        "keep the people file in the team manifest's folder or below it, and name it relative to the manifest "
        + "(e.g. 'people: people.yaml'); to read it from elsewhere anyway, pass --people-outside (only for a team "
        + "manifest you trust)"

    /// Nil when `peoplePath` (as the loader opens it) lies in `teamFile`'s folder or below; else where it leads.
    public static func outside(_ peoplePath: String, teamFile: String) -> Outside? {
        let teamFolder = (teamFile as NSString).deletingLastPathComponent
        let folder = resolved(teamFolder.isEmpty ? "." : teamFolder)
        let target = resolved(peoplePath)
        if folder == "/" || target.hasPrefix(folder + "/") { return nil }
        return Outside(resolved: target, folder: folder)
    }

    /// The absolute path with `.`, `..` and every symbolic link resolved, as far as the path exists; the part that
    /// does not exist (yet) is resolved by its names alone.
    static func resolved(_ path: String) -> String {
        let absolute =
            path.hasPrefix("/")
            ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        var components = (absolute as NSString).pathComponents.filter { $0 != "/" }
        // The longest existing prefix, resolved by realpath(3); the rest is appended name by name.
        var rest: [String] = []
        while true {
            let prefix = "/" + components.joined(separator: "/")
            if let real = realPath(prefix) {
                var result = real == "/" ? [] : real.split(separator: "/").map(String.init)
                for name in rest {
                    switch name {
                    case ".": continue
                    case "..": if !result.isEmpty { result.removeLast() }
                    default: result.append(name)
                    }
                }
                return "/" + result.joined(separator: "/")
            }
            guard let last = components.popLast() else { return "/" }
            rest.insert(last, at: 0)
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
