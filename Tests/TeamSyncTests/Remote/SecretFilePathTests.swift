import Foundation
import TestSupport
import Testing

@testable import TeamSync

#if canImport(Glibc)
    import Glibc
#endif

/// A key, client-secret or token path that is not a key file gets advice for what it is: a folder ("give the file
/// inside it"), a device or a FIFO ("not a regular file", and never read: `/dev/zero` must not hang or fill memory),
/// a link to nothing ("points to X, which does not exist"), a loop; never "chmod 600" on something that is not a
/// key, and never a hunt under ~/.superfacility for a path that exists.
struct SecretFilePathTests {
    /// What is placed at the path, and what the advice must and must not say.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var says: [String]
        var never: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "folder", says: ["is a directory", "inside it"], never: ["chmod", "looked for"]),
        Case(name: "folder-with-keys", says: ["is a directory", "inside it"], never: ["chmod", "looked for"]),
        Case(name: "/dev/zero", says: ["not a regular file", "character device"], never: ["chmod", "looked for"]),
        Case(name: "/dev/null", says: ["not a regular file", "character device"], never: ["chmod", "looked for"]),
        Case(name: "fifo", says: ["not a regular file", "FIFO"], never: ["chmod", "looked for"]),
        Case(
            name: "dangling", says: ["symbolic link", "points to", "does not exist"], never: ["chmod", "looked for"]),
        Case(name: "dangling-relative", says: ["points to", "gone.pem", "does not exist"], never: ["looked for"]),
        Case(name: "loop", says: ["loop of symbolic links"], never: ["chmod", "looked for"]),
        Case(name: "huge", says: ["bytes", "right file"], never: ["chmod", "looked for"]),
    ]

    /// Makes the thing named by `name` in a fresh folder and returns its path (and, for a link, its target).
    static func place(_ name: String) throws -> (path: String, target: String?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-paths-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/key.pem"
        switch name {
        case "folder":
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chmod(path, 0o700)
        case "folder-with-keys":
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try "ABCDEFGHIJKLM\n\(TestKeys.primaryPrivatePEM)".write(
                toFile: path + "/inside.pem", atomically: false, encoding: .utf8)
            chmod(path, 0o600)
        case "/dev/zero", "/dev/null": return (name, nil)
        case "fifo": try #require(mkfifo(path, 0o600) == 0)
        case "dangling":
            let target = folder + "/moved-away/key.pem"
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            return (path, target)
        case "dangling-relative":
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "gone.pem")
            return (path, "gone.pem")
        case "loop":
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder + "/other.pem")
            try FileManager.default.createSymbolicLink(atPath: folder + "/other.pem", withDestinationPath: path)
        case "huge":
            let data = Data(repeating: 0x41, count: 3 << 20)
            try data.write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
        default: Issue.record("unknown case \(name)")
        }
        return (path, nil)
    }

    static func check(_ message: String, _ testCase: Case, path: String, target: String?) {
        #expect(message.contains(path), "\(testCase.name): \(message)")
        for words in testCase.says { #expect(message.contains(words), "\(testCase.name): \(message)") }
        for words in testCase.never { #expect(!message.contains(words), "\(testCase.name): \(message)") }
        if let target { #expect(message.contains(target), "\(testCase.name): \(message)") }
        #expect(!message.contains("PRIVATE KEY"), "\(testCase.name): \(message)")
    }

    @Test(.timeLimit(.minutes(1)), arguments: cases)
    func anSFAPIKeyPathThatIsNoKeyFileGetsAdviceForWhatItIs(_ testCase: Case) throws {
        let (path, target) = try Self.place(testCase.name)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-home-\(UUID().uuidString)")
            .path
        let error = try #require(throws: KeyFileError.self) { try KeyFile.load(path: path, name: nil, home: home) }
        Self.check(error.description, testCase, path: path, target: target)
    }

    @Test(.timeLimit(.minutes(1)), arguments: cases)
    func aFirecRESTClientSecretPathThatIsNoFileGetsAdviceForWhatItIs(_ testCase: Case) throws {
        let (path, target) = try Self.place(testCase.name)
        let error = try #require(throws: FirecRESTError.self) {
            try FirecRESTClientSecret.load(file: path, environment: [:])
        }
        Self.check("\(error)", testCase, path: path, target: target)
    }

    @Test(.timeLimit(.minutes(1)), arguments: cases)
    func aSlurmTokenPathThatIsNoFileGetsAdviceForWhatItIs(_ testCase: Case) async throws {
        let (path, target) = try Self.place(testCase.name)
        let error = try await #require(throws: SlurmError.self) { try await SlurmJWTSource(file: path).token() }
        Self.check("\(error)", testCase, path: path, target: target)
    }

    @Test func aMissingKeyPathKeepsTheLookUpAdviceAndALinkToARealKeyStillWorks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-paths-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder + "/.superfacility", withIntermediateDirectories: true)
        let missing = try #require(throws: KeyFileError.self) {
            try KeyFile.load(path: "nothing-here.pem", name: nil, home: folder)
        }
        #expect(missing == .notFound(searched: folder + "/.superfacility/nothing-here.pem*"))

        let real = folder + "/real.pem"
        try "ABCDEFGHIJKLM\n\(TestKeys.primaryPrivatePEM)\n".write(toFile: real, atomically: false, encoding: .utf8)
        chmod(real, 0o600)
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.pem", withDestinationPath: real)
        #expect(try KeyFile.load(path: folder + "/link.pem", name: nil, home: folder).clientId == "ABCDEFGHIJKLM")
    }
}
