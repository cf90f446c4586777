import ArgumentParser
import Foundation
import TeamSync

/// `teamctl doctor`: checks what a first run needs and says what to fix, one line each.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the config, key file, cache, facility and clock a first run needs; exit 1 on a problem.",
        discussion: """
            Reads the same settings as every other command (flags, TEAMCTL_* variables, the config profile) \
            and checks, one line each: the config file is there and parses; the key file is mode 0600 and \
            holds a client id and an RSA key (or TEAMCTL_ACCESS_TOKEN is set); the cache is writable; the \
            facility's /status answers; the facility accepts the credentials; this machine's clock agrees \
            with the token endpoint's. Nothing is changed and no token or key is printed.
            """)

    @Option(help: "The longest wait for any one request, in seconds.")
    var timeout: Double = 10

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func run() async throws {
        let overrides = ConnectionOverrides(
            profile: connection.profile, apiURL: connection.apiURL, tokenURL: connection.tokenURL,
            clientId: connection.clientId, key: connection.key, cache: connection.cache,
            concurrency: connection.concurrency, requestTimeout: connection.requestTimeout,
            maxResponseBytes: connection.maxResponseBytes)
        let doctor = TeamSync.Doctor(
            environment: ProcessInfo.processInfo.environment, overrides: overrides, timeout: timeout)
        print("teamctl \(BuildInfo.versionLine)")
        let checks = await doctor.run()
        for check in checks { print(check.description) }
        let failures = checks.filter { $0.outcome == .failed }.count
        guard failures == 0 else {
            print("\(failures) problem(s) to fix before a first run; see the FAIL lines above")
            throw ExitCode.failure
        }
        print("ready: nothing to fix")
    }
}
