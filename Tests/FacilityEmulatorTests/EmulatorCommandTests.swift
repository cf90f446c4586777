import Foundation
import TeamSync
import Testing

/// The `teamctl-emulator` executable, as a user or a CI job runs it.
@Suite("teamctl-emulator executable")
struct EmulatorCommandTests {
    /// The built executable next to the test bundle, if `swift build --build-tests` built it.
    static let binary: URL? = {
        let directory = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [directory, Bundle.main.bundleURL].map { $0.appendingPathComponent("teamctl-emulator") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    @Test(.enabled(if: binary != nil, "teamctl-emulator is not built next to the tests"))
    func printsItsAddressesAtOnceAndServesTheSeed() async throws {
        guard let binary = Self.binary else { return }  // the trait already skipped the test
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "--seed", EmulatorSeedTests.repositoryRoot.appendingPathComponent("examples/facility.yaml").path,
            "--port", "0",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Read until the three banner lines are in: they must arrive while the server runs, not at exit.
        var text = ""
        while text.components(separatedBy: "\n").count < 4 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        let listening = try #require(lines.first { $0.hasPrefix("listening on http://127.0.0.1:") })
        let base = String(listening.dropFirst("listening on ".count))
        #expect(lines.contains("API base: \(base)/api/v1.2"))
        #expect(lines.contains("token URL: \(base)/oauth2/token"))

        let url = try #require(URL(string: base + "/api/v1.2/account/projects"))
        let response = try await URLSessionTransport().send(
            HTTPRequest(method: .get, url: url, headers: ["Authorization": "Bearer demo-pi"]))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("m4999"))
    }

    @Test(.enabled(if: binary != nil, "teamctl-emulator is not built next to the tests"))
    func aMissingSeedFileIsAClearError() throws {
        guard let binary = Self.binary else { return }  // the trait already skipped the test
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--seed", "/nonexistent/facility.yaml", "--port", "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(message.contains("cannot read seed file /nonexistent/facility.yaml"))
    }
}
