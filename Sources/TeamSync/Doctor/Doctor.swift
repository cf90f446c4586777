import AccountModels
import Foundation

/// Checks what a first run needs, in the order a run meets it: the config file, the credentials' key
/// file, the cache, the facility's `/status`, the facility accepting the credentials, and the clock
/// against the token endpoint. Each finding is one ``DoctorCheck`` line saying what to fix.
///
/// It reads settings, keys and the cache with the loaders every command uses (``TeamctlConfig``,
/// ``ConnectionSettings``, ``KeyFile``), changes nothing, and never reports a token or key material.
public struct Doctor: Sendable {
    /// The process environment (`HOME`, `XDG_*`, `TEAMCTL_*`).
    public var environment: [String: String]
    /// Settings given on the command line.
    public var overrides: ConnectionOverrides
    /// How requests are sent.
    public var transport: any HTTPTransport
    /// The local clock.
    public var now: @Sendable () -> Date
    /// The longest wait for any one request, in seconds.
    public var timeout: Double

    /// Creates a doctor over the live transport by default.
    public init(
        environment: [String: String], overrides: ConnectionOverrides = ConnectionOverrides(),
        transport: any HTTPTransport = URLSessionTransport(maxConcurrent: 2),
        now: @escaping @Sendable () -> Date = { Date() }, timeout: Double = 10
    ) {
        self.environment = environment
        self.overrides = overrides
        self.transport = transport
        self.now = now
        self.timeout = timeout
    }

    /// Runs every check; a check whose prerequisite failed is reported as skipped.
    public func run() async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let (configCheck, resolved) = configuration()
        checks.append(configCheck)
        guard let settings = resolved else {
            for subject in ["key", "cache", "facility", "credentials", "clock"] {
                checks.append(DoctorCheck(subject, .skipped, "needs settings; fix the config first"))
            }
            return checks
        }
        if let slurm = settings.slurm { return checks + (await slurmChecks(settings, slurm)) }
        if let firecrest = settings.firecrest { return checks + (await firecrestChecks(settings, firecrest)) }
        let keyCheck = key(settings)
        checks.append(keyCheck)
        checks.append(cache(settings))
        let facilityCheck = await facility(settings)
        checks.append(facilityCheck)
        if facilityCheck.outcome == .failed {
            checks.append(DoctorCheck("credentials", .skipped, "needs the facility; fix reaching it first"))
        } else if keyCheck.outcome == .failed {
            checks.append(DoctorCheck("credentials", .skipped, "needs a usable key; fix the key first"))
        } else {
            checks.append(await credentials(settings))
        }
        checks.append(await clock(settings))
        return checks
    }

    private var home: String { KeyFile.homeDirectory(environment: environment) }

    // MARK: config

    /// The config file must exist and parse, and the profile in play must be in it; the settings are
    /// resolved anyway (without the file when it is unusable) so the other checks still run.
    func configuration() -> (DoctorCheck, ConnectionSettings?) {
        let path = TeamctlConfig.defaultPath(environment: environment)
        var problem: DoctorCheck?
        var config = TeamctlConfig()
        if !FileManager.default.fileExists(atPath: path) {
            problem = DoctorCheck(
                "config", .failed,
                "no config file at \(path): create it with a profile naming api_url, token_url, client_id and key "
                    + "(see the README's 'Connecting to a facility'), or set XDG_CONFIG_HOME to where yours is")
        } else if !FileManager.default.isReadableFile(atPath: path) {
            problem = DoctorCheck("config", .failed, "cannot read the config file \(path): make it readable by you")
        } else {
            do {
                config = try TeamctlConfig.load(path: path)
            } catch {
                problem = DoctorCheck("config", .failed, "\(error): fix the YAML (profiles: NAME: api_url: ...)")
            }
        }
        do {
            let settings = try ConnectionSettings.resolve(
                overrides: overrides, environment: environment, config: config, configPath: path)
            let summary =
                "\(path): profile \(settings.profile), "
                + (settings.slurm.map { "\($0)" } ?? settings.firecrest.map { "\($0)" }
                    ?? "api \(settings.apiURL.host ?? settings.apiURL.absoluteString)")
            return (problem ?? DoctorCheck("config", .ok, summary), settings)
        } catch {
            if let problem { return (problem, try? fallbackSettings(path: path)) }
            return (DoctorCheck("config", .failed, "\(error)"), try? fallbackSettings(path: path))
        }
    }

    /// The settings without the config file, so the key, cache and network are still checked.
    private func fallbackSettings(path: String) throws -> ConnectionSettings {
        var bare = overrides
        bare.profile = nil
        var environment = environment
        environment["TEAMCTL_PROFILE"] = nil
        return try ConnectionSettings.resolve(
            overrides: bare, environment: environment, config: TeamctlConfig(), configPath: path)
    }

    // MARK: key

    func key(_ settings: ConnectionSettings) -> DoctorCheck {
        if settings.accessToken != nil {
            return DoctorCheck(
                "key", .ok, "an access token is set in TEAMCTL_ACCESS_TOKEN (not shown); no key file needed")
        }
        do {
            let key = try KeyFile.load(path: settings.key, name: nil, clientId: settings.clientId, home: home)
            return DoctorCheck(
                "key", .ok, "\(key.path ?? "the key"): client \(key.clientId), mode 0600, RSA private key readable")
        } catch {
            return DoctorCheck("key", .failed, "\(error)")
        }
    }

    // MARK: cache

    func cache(_ settings: ConnectionSettings) -> DoctorCheck {
        let path = settings.cachePath
        let fix = "or pass --cache / set TEAMCTL_CACHE to a writable place"
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                return DoctorCheck("cache", .failed, "\(path) is a folder, not a cache file: \(fix)")
            }
            guard access(path, R_OK | W_OK) == 0 else {
                return DoctorCheck("cache", .failed, "\(path) is not writable by you: chmod u+rw \(path), \(fix)")
            }
            let header = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 16) } ?? Data()
            guard header.isEmpty || header == Data("SQLite format 3\0".utf8) else {
                return DoctorCheck("cache", .failed, "\(path) is not a SQLite file: move it away, \(fix)")
            }
            return DoctorCheck("cache", .ok, "\(path): a SQLite file, writable")
        }
        var ancestor = (path as NSString).deletingLastPathComponent
        while !ancestor.isEmpty, ancestor != "/", !FileManager.default.fileExists(atPath: ancestor) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        if ancestor.isEmpty { ancestor = FileManager.default.currentDirectoryPath }
        _ = FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory)
        guard isDirectory.boolValue, access(ancestor, W_OK | X_OK) == 0 else {
            return DoctorCheck("cache", .failed, "cannot create \(path): \(ancestor) is not a writable folder; \(fix)")
        }
        return DoctorCheck(
            "cache", .ok, "\(path) does not exist yet; the first refresh creates it (\(ancestor) is writable)")
    }

    // MARK: facility

    private func client(_ settings: ConnectionSettings, tokens: any AccessTokenSource) -> SFAPIClient {
        SFAPIClient(apiBaseURL: settings.apiURL, transport: transport, tokens: tokens, retry: .none, timeout: timeout)
    }

    func facility(_ settings: ConnectionSettings) async -> DoctorCheck {
        let url = settings.apiURL.redactedForLogs
        let systems: [SystemStatus]
        do {
            systems = try await client(settings, tokens: StaticTokenSource(token: "")).systems()
        } catch let error as SFAPIError {
            let reason = [error.status.map { "answered \($0)" }, error.detail].compactMap { $0 }.joined(separator: ": ")
            return DoctorCheck(
                "facility", .failed,
                "cannot reach the facility at \(url) (\(reason.isEmpty ? "no answer" : reason)): check the network "
                    + "and the API URL (--api-url, TEAMCTL_API_URL or the profile's api_url)")
        } catch {
            return DoctorCheck("facility", .failed, "cannot reach the facility at \(url) (\(error))")
        }
        guard let iris = systems.first(where: { $0.name == "iris" }) else {
            return DoctorCheck(
                "facility", .warning,
                "\(url) answers /status but lists no account system (iris); changes cannot be checked before apply")
        }
        guard iris.status == .active else {
            return DoctorCheck(
                "facility", .warning,
                "\(url) answers, but the account system (iris) is \(iris.status.rawValue); apply waits until it is active"
            )
        }
        return DoctorCheck("facility", .ok, "\(url) answers /status; the account system (iris) is active")
    }

    // MARK: credentials

    func credentials(_ settings: ConnectionSettings) async -> DoctorCheck {
        let context = TeamctlContext(settings: settings, transport: transport, retry: .none, home: home)
        do {
            let user = try await context.client.currentUser()
            return DoctorCheck("credentials", .ok, "the facility accepts them: you are \(user.name)")
        } catch let error as SFAPIError {
            let said = [error.status.map { "answered \($0)" }, error.detail].compactMap { $0 }.joined(separator: ": ")
            return DoctorCheck(
                "credentials", .failed,
                "the facility did not accept them (\(error.path) \(said))" + (error.hint.map { ": \($0)" } ?? ""))
        } catch {
            return DoctorCheck("credentials", .failed, "\(error)")
        }
    }

    // MARK: clock

    func clock(_ settings: ConnectionSettings) async -> DoctorCheck {
        let url = settings.tokenURL.redactedForLogs
        let needed = settings.accessToken == nil
        let sent = now()
        let response: HTTPResponse
        do {
            // Any answer carries the server's time; a GET sends no credentials.
            response = try await transport.send(
                HTTPRequest(
                    method: .get, url: settings.tokenURL, headers: ["Accept": "application/json"], timeout: timeout))
        } catch {
            guard needed else {
                return DoctorCheck(
                    "clock", .skipped, "the token endpoint \(url) did not answer; not needed with TEAMCTL_ACCESS_TOKEN")
            }
            return DoctorCheck(
                "clock", .failed,
                "cannot reach the token endpoint \(url) (\(error)): check the network and the token URL "
                    + "(--token-url, TEAMCTL_TOKEN_URL or the profile's token_url)")
        }
        let received = now()
        guard let header = response.headers["date"], let serverDate = ClockSkew.parseHTTPDate(header) else {
            return DoctorCheck(
                "clock", .warning, "the token endpoint \(url) sent no Date header; the clock is not checked")
        }
        let offset = ClockSkew.offset(serverDate: serverDate, sent: sent, received: received)
        let amount = String(format: "%.0f", abs(offset))
        guard abs(offset) <= ClockSkew.tolerance else {
            return DoctorCheck(
                "clock", needed ? .failed : .warning,
                "this machine's clock is \(amount) s \(offset > 0 ? "ahead of" : "behind") the token endpoint's; "
                    + "signed client assertions are refused when it is off: sync it (timedatectl set-ntp true, "
                    + "or ask the system's administrators)")
        }
        return DoctorCheck(
            "clock", .ok, "within \(Int(ClockSkew.tolerance)) s of the token endpoint's (\(amount) s off)")
    }
}
