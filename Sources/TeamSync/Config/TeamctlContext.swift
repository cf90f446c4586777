import Foundation

/// The live dependencies a command needs: the SFAPI client and provider, and the cache, built from
/// resolved ``ConnectionSettings``. Commands build one and pass its parts down.
public struct TeamctlContext: Sendable {
    /// The settings it was built from.
    public let settings: ConnectionSettings
    /// The live transport (bounded to `settings.concurrency` requests in flight).
    public let transport: any HTTPTransport
    /// The SFAPI client.
    public let client: SFAPIClient
    /// Why there are no credentials, when there are none; calls that need a token fail with it.
    public let credentialsProblem: (any Error & Sendable)?
    /// Whether this run may write nothing: decided once, here. The applier stops before its first write, and the
    /// transport refuses any write that would get through anyway.
    public let dryRun: Bool

    /// The back end for this profile, from ``ProviderFactory``; made once, so what it learns on first contact
    /// (slurmrestd's version) holds for the whole run.
    public let provider: any FacilityProvider

    /// Builds the live context (`now`: the time refreshes stamp their snapshots with). Credentials: `TEAMCTL_ACCESS_TOKEN`, else a client key (file given, or
    /// looked up in `~/.superfacility/` as the Python client does). Missing credentials are not an error
    /// here; ``requireCredentials()`` reports them.
    public init(
        settings: ConnectionSettings, transport: (any HTTPTransport)? = nil, retry: RetryPolicy = .default,
        home: String = KeyFile.homeDirectory(), dryRun: Bool = false, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.dryRun = dryRun
        let live = transport ?? URLSessionTransport(maxConcurrent: settings.concurrency, limits: settings.limits)
        // The second line of defence for --dry-run: whatever the applier decides, no write leaves the transport.
        let transport: any HTTPTransport = dryRun ? DryRunTransport(wrapping: live, tokenURL: settings.tokenURL) : live
        self.transport = transport
        let tokens: any AccessTokenSource
        var problem: (any Error & Sendable)?
        if let token = settings.accessToken {
            tokens = StaticTokenSource(token: token)
        } else {
            do {
                let key = try KeyFile.load(path: settings.key, name: nil, clientId: settings.clientId, home: home)
                tokens = ClientCredentialsTokenSource(
                    key: key, tokenURL: settings.tokenURL, transport: transport, retry: retry)
            } catch let error as KeyFileError {
                problem = error
                tokens = UnavailableTokenSource(reason: error)
            } catch {
                let wrapped = KeyFileError.unreadable(path: settings.key ?? "~/.superfacility", reason: "\(error)")
                problem = wrapped
                tokens = UnavailableTokenSource(reason: wrapped)
            }
        }
        let client = SFAPIClient(apiBaseURL: settings.apiURL, transport: transport, tokens: tokens, retry: retry)
        self.client = client
        if settings.slurm != nil || settings.firecrest != nil {
            // Slurm's credentials are checked on first contact (a token file, SLURM_JWT, or munge for sacctmgr);
            // CSCS's client secret is read when the first token is needed.
            problem = nil
        }
        self.credentialsProblem = problem
        self.provider = ProviderFactory.provider(
            settings: settings, client: client, transport: transport, dryRun: dryRun, now: now)
    }

    /// Throws the reason there are no credentials, if there are none.
    public func requireCredentials() throws {
        if let credentialsProblem { throw credentialsProblem }
    }

    /// Opens the cache at `settings.cachePath`.
    public func openCache() throws -> AccountCache { try AccountCache(path: settings.cachePath) }
}
