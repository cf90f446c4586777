import AccountModels
import Foundation
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// Files that are not regular files, given as manifests or found in a `-f` folder: each is a clear error naming
/// it, and none hangs, is read without bound, or is passed over in silence.
struct InputFileTests {
    static let today = CalendarDay("2026-11-25")!
    static let manifest = "version: 1\nproject: m1\nmembers:\n  alice: {role: pi}\n"

    @Test func aFIFOAsAManifestIsRefusedWithoutHanging() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("team.yaml").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let diagnostics = try #require(
            Deadline.run(seconds: 10, unblocking: fifo) {
                ManifestLoader.validate(paths: [fifo], today: Self.today).diagnostics
            }, "validating a FIFO did not finish within 10 s: it blocks on the open or the read")
        #expect(
            diagnostics == [
                .error(
                    "the file is a FIFO (named pipe), not a regular file; teamctl reads only regular files",
                    file: fifo, line: 0, column: 0,
                    hint: "save the content to a regular file and name that instead")
            ])
    }

    @Test func aFIFOInAFolderIsAnErrorNamingItAndTheOtherFilesAreChecked() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifest.write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let fifo = directory.appendingPathComponent("b.yaml").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let (manifests, diagnostics) = try #require(
            Deadline.run(seconds: 10, unblocking: fifo) {
                let result = ManifestLoader.validate(paths: [directory.path], today: Self.today)
                return (result.manifests.map(\.manifest.project), result.diagnostics)
            }, "validating a folder holding a FIFO did not finish within 10 s")
        #expect(manifests == ["m1"])
        #expect(diagnostics.map(\.file) == [fifo])
        #expect(diagnostics.first?.message.contains("FIFO") == true)
    }

    @Test func aTeamCheckOfAFIFODoesNotHangEither() throws {
        // `validate` and `plan` first ask whether the file is a team manifest (version 2): that look must not block.
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("team.yaml").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let answer = Deadline.run(seconds: 10, unblocking: fifo) { TeamLoader.isTeamManifest(path: fifo) }
        #expect(answer == false)
    }

    @Test(arguments: ["/dev/zero", "/dev/null", "/dev/urandom"])
    func aDeviceIsRefusedBeforeItIsOpened(device: String) throws {
        guard FileManager.default.fileExists(atPath: device) else { return }
        let diagnostics = try #require(
            Deadline.run(seconds: 10) { ManifestLoader.validate(paths: [device], today: Self.today).diagnostics })
        #expect(
            diagnostics.map(\.message) == [
                "the file is a character device, not a regular file; teamctl reads only regular files"
            ])
    }

    @Test func aDirectoryGivenToTheReaderIsRefused() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard case .refused(let diagnostic) = ManifestFile.read(directory.path, limits: .standard) else {
            Issue.record("a directory was read as a manifest")
            return
        }
        #expect(diagnostic.message == "the file is a directory, not a regular file; teamctl reads only regular files")
        #expect(diagnostic.hint == "name a file, not a folder")
    }

    @Test func aSocketIsRefused() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.yaml").path
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        let diagnostics = ManifestLoader.validate(paths: [directory.path], today: Self.today).diagnostics
        #expect(diagnostics.map(\.file) == [path])
        #expect(
            diagnostics.first?.message == "the file is a socket, not a regular file; teamctl reads only regular files")
    }

    @Test func aDanglingLinkInAFolderIsAnErrorNamingTheLink() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifest.write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let link = directory.appendingPathComponent("m2.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../gone/m2.yaml")
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [directory.path], today: Self.today)
        #expect(manifests.map(\.manifest.project) == ["m1"])
        #expect(
            diagnostics == [
                .error(
                    "the file is a symbolic link to '../gone/m2.yaml', which does not exist", file: link, line: 0,
                    column: 0, hint: "point the link at a real file, or remove it")
            ])
        // The command fails: `load` throws instead of planning without that project.
        #expect(throws: ManifestError.self) { try ManifestLoader.load(paths: [directory.path], today: Self.today) }
    }

    @Test func aDanglingLinkNamedDirectlyIsNamedAsALink() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("team.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent/teamctl/x.yaml")
        let diagnostics = ManifestLoader.validate(paths: [link], today: Self.today).diagnostics
        #expect(
            diagnostics.map(\.message) == [
                "the file is a symbolic link to '/nonexistent/teamctl/x.yaml', which does not exist"
            ])
    }

    @Test func aLoopOfLinksInAFolderIsAnErrorNamingTheLinks() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.manifest.write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let first = directory.appendingPathComponent("b.yaml").path
        let second = directory.appendingPathComponent("c.yml").path
        try FileManager.default.createSymbolicLink(atPath: first, withDestinationPath: "c.yml")
        try FileManager.default.createSymbolicLink(atPath: second, withDestinationPath: "b.yaml")
        let selfLoop = directory.appendingPathComponent("d.yaml").path
        try FileManager.default.createSymbolicLink(atPath: selfLoop, withDestinationPath: "d.yaml")
        let (manifests, diagnostics) = try #require(
            Deadline.run(seconds: 10) { () -> ([String], [Diagnostic]) in
                let result = ManifestLoader.validate(paths: [directory.path], today: Self.today)
                return (result.manifests.map(\.manifest.project), result.diagnostics)
            })
        #expect(manifests == ["m1"])
        #expect(diagnostics.map(\.file) == [first, second, selfLoop])
        #expect(
            diagnostics.allSatisfy {
                $0.severity == .error
                    && $0.message == "the file is a symbolic link that loops (it leads back to itself)"
            })
    }

    @Test func aLinkToARealManifestIsStillRead() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("real.txt")
        try Self.manifest.write(to: real, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent("m1.yaml").path, withDestinationPath: "real.txt")
        let (manifests, diagnostics) = ManifestLoader.validate(paths: [directory.path], today: Self.today)
        #expect(diagnostics.isEmpty)
        #expect(manifests.map(\.manifest.project) == ["m1"])
    }

    @Test func aBinaryFileIsQuotedOnlyAsAShortEscapedExcerptOfItsFirstLine() throws {
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("blob.yaml")
        // A first line that clears the screen, moves the cursor and rings the bell, then a long "secret" line.
        let secret = "c2VjcmV0LXRoYXQtbXVzdC1ub3QtYmUtcHJpbnRlZC1hbnl3aGVyZQ"
        let text =
            "\u{1B}[2J\u{1B}[H\u{07}PAYLOAD\u{1B}]0;title\u{07}" + String(repeating: "x", count: 200) + "\n"
            + secret + "\n"
        try text.write(to: file, atomically: true, encoding: .utf8)
        let diagnostics = ManifestLoader.validate(paths: [file.path], today: Self.today).diagnostics
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        let shown = diagnostic.description
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!shown.contains(secret.prefix(8)))
        #expect(!shown.contains(String(repeating: "x", count: 41)))
        #expect(!shown.contains("PAYLOAD"))
    }

    @Test func escapesInAValueAreShownWrittenOutInTheDiagnostic() throws {
        // YAML's own escapes put any control character into a value, and the diagnostic quotes the value.
        let text = #"""
            version: 1
            project: "m1\e[2J\r+ add bchen"
            members:
              "alice\u202E\e]0;x\a": {}
              "bo\nb": {role: "pi\x9B31m"}
            """# + "\n"
        let (_, diagnostics) = ManifestLoader.validate(text: text, file: "team.yaml", today: Self.today)
        #expect(diagnostics.count >= 3)
        for diagnostic in diagnostics {
            let shown = diagnostic.description
            #expect(!shown.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" }, "\(shown)")
            #expect(shown.split(separator: "\n").count <= 2, "\(shown)")
        }
        let all = diagnostics.map(\.description).joined(separator: "\n")
        #expect(all.contains(#"m1\u{1B}[2J\r+ add bchen"#))
        #expect(all.contains(#"alice\u{202E}\u{1B}]0;x\u{07}"#))
        #expect(all.contains(#"bo\nb"#))
    }

    @Test func aKeyFileIsNotEchoedBeyondItsFirstLine() throws {
        // A PEM file composes to one text value folded from every line; the error shows only its first line.
        let directory = try ManifestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = "MIIEowIBAAKCAQEAsecretsecretsecretsecret"
        let file = directory.appendingPathComponent("key.yaml")
        try "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n-----END RSA PRIVATE KEY-----\n".write(
            to: file, atomically: true, encoding: .utf8)
        let diagnostics = ManifestLoader.validate(paths: [file.path], today: Self.today).diagnostics
        #expect(
            diagnostics.map(\.message) == [
                "the manifest must be a mapping of keys (version, project, members, ...), found "
                    + "'-----BEGIN RSA PRIVATE KEY-----...'"
            ])
        #expect(diagnostics.allSatisfy { !$0.description.contains("MIIE") })
    }
}

/// Runs a body that could block (reading a FIFO) on a thread of its own, with a deadline, so a regression fails
/// the test instead of hanging the suite.
enum Deadline {
    /// The body's result, or nil when it did not finish in time. After the deadline, `unblocking` (a FIFO) is
    /// opened for writing and closed, which releases a reader blocked on it.
    static func run<T: Sendable>(seconds: Double, unblocking fifo: String? = nil, _ body: @escaping @Sendable () -> T)
        -> T?
    {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.value = body()
            done.signal()
        }.start()
        if done.wait(timeout: .now() + seconds) == .success { return box.value }
        if let fifo {
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 5)
        }
        return nil
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
