import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// A project is identified by its facility and its name: NERSC's project m4812 and the Slurm account m4812 on
/// another cluster are two projects, and two files may govern them; two files for one facility's project may not,
/// and a file without `facility:` (planned at whichever facility the run picks) clashes with any file of its project.
struct ProjectPerFacilityTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    @Test func theExamplesForNERSCAndTheSlurmClusterValidateTogether() {
        let paths = ["examples/team.yaml", "examples/slurm/team.yaml"].map(Self.repoPath)
        let (manifests, diagnostics) = ManifestLoader.validate(paths: paths, today: Self.today)
        #expect(diagnostics.filter { $0.severity == .error } == [], "\(diagnostics)")
        #expect(manifests.map(\.path) == paths)
    }

    static func repoPath(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(relative).path
    }

    /// Writes one manifest per (name, facility) into a fresh folder, in order; returns their paths.
    static func files(_ specs: [(name: String, project: String, facility: String?)]) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-pf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try specs.map { spec in
            let path = folder.appendingPathComponent(spec.name).path
            let facility = spec.facility.map { "facility: \($0)\n" } ?? ""
            try "version: 1\nproject: \(spec.project)\n\(facility)members: {}\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    @Test func oneProjectNameAtThreeFacilitiesIsThreeProjects() throws {
        let paths = try Self.files([
            ("a.yaml", "p042", "alpha"), ("b.yaml", "p042", "beta"), ("c.yaml", "p042", "gamma-hpc"),
        ])
        let (manifests, diagnostics) = ManifestLoader.validate(paths: paths, today: Self.today)
        #expect(diagnostics == [], "\(diagnostics)")
        #expect(manifests.map(\.manifest.facility) == ["alpha", "beta", "gamma-hpc"])
    }

    @Test func twoFilesForOneFacilitysProjectRemainAnErrorNamingBothAndTheFacility() throws {
        let paths = try Self.files([
            ("a.yaml", "p042", "alpha"), ("b.yaml", "p042", "beta"), ("c.yaml", "p042", "alpha"),
        ])
        let (manifests, diagnostics) = ManifestLoader.validate(paths: paths, today: Self.today)
        #expect(manifests.map(\.path) == Array(paths.prefix(2)))
        let error = try #require(diagnostics.first)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(error.severity == .error && error.file == paths[2] && error.line == 2)
        #expect(error.message == "project 'p042' at facility 'alpha' is also governed by \(paths[0])")
        #expect(throws: ManifestError.self) { try ManifestLoader.load(paths: paths, today: Self.today) }
    }

    @Test(arguments: [false, true])
    func aFileWithoutAFacilityClashesWithAnyFileOfItsProject(withoutFacilityFirst: Bool) throws {
        let specs: [(name: String, project: String, facility: String?)] =
            withoutFacilityFirst
            ? [("a.yaml", "m7", nil), ("b.yaml", "m7", "lumen-slurm")]
            : [("a.yaml", "m7", "lumen-slurm"), ("b.yaml", "m7", nil)]
        let paths = try Self.files(specs)
        let (manifests, diagnostics) = ManifestLoader.validate(paths: paths, today: Self.today)
        #expect(manifests.map(\.path) == [paths[0]])
        let error = try #require(diagnostics.first, "\(diagnostics)")
        #expect(error.severity == .error && error.file == paths[1])
        #expect(error.message.contains("is also governed by \(paths[0])"), "\(error.message)")
        #expect(error.hint?.contains("'facility:'") == true, "\(error.hint ?? "")")

        // Other projects without a facility are no clash.
        let other = try Self.files([("a.yaml", "m7", nil), ("b.yaml", "m8", nil)])
        #expect(ManifestLoader.validate(paths: other, today: Self.today).diagnostics == [])
    }
}
