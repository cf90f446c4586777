import AccountModels

/// A manifest that loaded without errors, with where it came from and where its parts are written.
public struct LoadedManifest: Sendable, Hashable {
    /// The file it was read from, as the user named it (or as found in a directory they named).
    public var path: String
    /// The desired state the file declares.
    public var manifest: TeamManifest
    var memberLocations: [String: SourcePosition]
    var groupLocations: [String: SourcePosition]
    var projectLocation: SourcePosition

    /// Creates a loaded manifest; positions unknown to the caller are simply absent.
    public init(path: String, manifest: TeamManifest) {
        self.init(
            path: path, manifest: manifest, memberLocations: [:], groupLocations: [:],
            projectLocation: SourcePosition(line: 1, column: 1))
    }

    init(
        path: String, manifest: TeamManifest, memberLocations: [String: SourcePosition],
        groupLocations: [String: SourcePosition], projectLocation: SourcePosition
    ) {
        self.path = path
        self.manifest = manifest
        self.memberLocations = memberLocations
        self.groupLocations = groupLocations
        self.projectLocation = projectLocation
    }

    /// Where the member's roster entry (its username) is written, so later stages can point at it.
    public func location(ofMember username: String) -> (line: Int, column: Int)? {
        memberLocations[username].map { ($0.line, $0.column) }
    }

    /// Where the group's entry (its name) is written.
    public func location(ofGroup name: String) -> (line: Int, column: Int)? {
        groupLocations[name].map { ($0.line, $0.column) }
    }

    /// Where the `project` value is written.
    public var locationOfProject: (line: Int, column: Int) { (projectLocation.line, projectLocation.column) }
}

/// A 1-based line and column (in Unicode scalars) in a manifest file.
package struct SourcePosition: Sendable, Hashable {
    package var line: Int
    package var column: Int
}
