import AccountModels
import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// The seams of `roster diff`'s fixes: how given and guessed columns combine, and the moment-by-moment mode of the
/// file `--write` puts in place.
struct RosterFileWriteTests {
    @Test func aColumnAlreadyReadAsSomethingElseIsNotGuessedForAnotherRole() {
        let filled = RosterColumns(accounts: ["nersc": "E-mail"]).filled(
            from: RosterColumns(name: "Name", email: "e-mail", accounts: ["nersc": "NERSC", "frontier": "Frontier"]))
        #expect(filled == RosterColumns(name: "Name", accounts: ["nersc": "E-mail", "frontier": "Frontier"]))
        let given = RosterColumns(id: "Person", name: "Who")
        #expect(given.filled(from: RosterColumns()) == given)
    }

    @Test(arguments: [0o600, 0o640])
    func theNewFileIsCreated0600ThenGivenTheOriginalsModeComplete(mode: Int) throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("people.yaml").path
        try "version: 1\npeople: {}\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode_t(mode))
        let text = String(repeating: "# a person's name and email\n", count: 5_000) + "version: 1\npeople: {}\n"
        func permissions(of file: String) -> Int {
            var info = stat()
            return stat(file, &info) == 0 ? Int(info.st_mode & 0o7777) : -1
        }
        var createdMode = -1
        var completeBeforeRename = false
        let mask = umask(0)
        defer { umask(mask) }
        try RosterComparison.replace(
            path, with: text, created: { createdMode = permissions(of: $0) },
            beforeRename: { completeBeforeRename = (try? String(contentsOfFile: $0, encoding: .utf8)) == text })
        #expect(createdMode == 0o600)
        #expect(completeBeforeRename)
        #expect(permissions(of: path) == mode)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left == ["people.yaml"], "a temporary file was left: \(left)")
    }
}
