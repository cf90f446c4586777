import Foundation
import TestSupport
import Testing

@testable import TeamSync

struct KeyFileTests {
    /// A fresh home directory with `~/.superfacility/`.
    func makeHome() throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("teamctl-keys-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: home + "/.superfacility", withIntermediateDirectories: true)
        return home
    }

    func write(_ text: String, to path: String, mode: Int = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func readsClientIdThenPEMAsThePythonClientWritesThem() throws {
        let home = try makeHome()
        let path = home + "/.superfacility/teamctl.pem"
        try write("ABCDEFGHIJKLM\n" + TestKeys.primaryPrivatePEM + "\n", to: path)
        let key = try KeyFile.load(path: nil, name: nil, home: home)
        #expect(key.clientId == "ABCDEFGHIJKLM")
        #expect(key.path == path)
        #expect(!key.description.contains("PRIVATE"))
    }

    @Test func readsAJSONFileWithAJWK() throws {
        let home = try makeHome()
        let path = home + "/mykey.json"
        try write(#"{"client_id": "ABCDEFGHIJKLM", "secret": \#(TestKeys.primaryJWK)}"#, to: path)
        let key = try KeyFile.load(path: path, name: nil, home: home)
        #expect(key.clientId == "ABCDEFGHIJKLM")
        let fromPEM = try KeyFile.read(file: try pemFile(home: home))
        #expect(key.privateKey.publicKey == fromPEM.privateKey.publicKey)
    }

    func pemFile(home: String) throws -> String {
        let path = home + "/pem-\(UUID().uuidString)"
        try write("ABCDEFGHIJKLM\n" + TestKeys.primaryPrivatePEM, to: path)
        return path
    }

    @Test(arguments: [0o644, 0o400, 0o640])
    func refusesAnyModeButExactly0600WithTheChmodHint(mode: Int) throws {
        let home = try makeHome()
        let path = home + "/.superfacility/key.pem"
        try write("ABCDEFGHIJKLM\n" + TestKeys.primaryPrivatePEM, to: path, mode: mode)
        let error = #expect(throws: KeyFileError.self) { try KeyFile.load(path: path, name: nil, home: home) }
        #expect(error?.description.contains("chmod 600 \(path)") == true)
        #expect(error?.description.contains("PRIVATE KEY") == false)
    }

    @Test func findsAKeyByNamePrefixUnderSuperfacility() throws {
        let home = try makeHome()
        try write("ABCDEFGHIJKLM\n" + TestKeys.primaryPrivatePEM, to: home + "/.superfacility/prod-key.pem")
        try write("NOPQRSTUVWXYZ\n" + TestKeys.otherPrivatePEM, to: home + "/.superfacility/dev-key.pem")
        #expect(try KeyFile.load(path: nil, name: "dev", home: home).clientId == "NOPQRSTUVWXYZ")
        #expect(throws: KeyFileError.self) { try KeyFile.load(path: nil, name: nil, home: home) }
    }

    @Test func aClientIdThatIsNot13CharactersIsRefused() throws {
        let home = try makeHome()
        let path = home + "/short.pem"
        try write("ABC\n" + TestKeys.primaryPrivatePEM, to: path)
        let error = #expect(throws: KeyFileError.self) { try KeyFile.load(path: path, name: nil, home: home) }
        #expect(error == .badClientId(path: path, length: 3))
    }

    @Test func aBarePEMNeedsTheClientIdFromElsewhere() throws {
        let home = try makeHome()
        let path = home + "/bare.pem"
        try write(TestKeys.primaryPrivatePEM, to: path)
        #expect(throws: KeyFileError.self) { try KeyFile.load(path: path, name: nil, home: home) }
        #expect(
            try KeyFile.load(path: path, name: nil, clientId: "ABCDEFGHIJKLM", home: home).clientId == "ABCDEFGHIJKLM")
    }

    @Test func noKeyAnywhereSaysWhereItLooked() throws {
        let home = try makeHome()
        let error = #expect(throws: KeyFileError.self) { try KeyFile.load(path: nil, name: nil, home: home) }
        #expect(error?.description.contains(".superfacility") == true)
    }

    @Test func garbageIsMalformedNotACrash() throws {
        let home = try makeHome()
        let path = home + "/junk.json"
        try write("{not json", to: path)
        #expect(throws: KeyFileError.self) { try KeyFile.load(path: path, name: nil, home: home) }
        let pem = home + "/junk.pem"
        try write("ABCDEFGHIJKLM\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", to: pem)
        #expect(throws: KeyFileError.self) { try KeyFile.load(path: pem, name: nil, home: home) }
    }
}
