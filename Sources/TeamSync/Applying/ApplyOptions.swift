/// How `teamctl apply` runs a plan.
public struct ApplyOptions: Sendable, Hashable {
    /// `--ignore-status`: apply even when the account system is not `active`.
    public var ignoreStatus: Bool
    /// How many groups are changed at once (at least 1).
    public var concurrency: Int
    /// Re-read every touched group first and refuse the whole plan if the facility moved since the plan's
    /// snapshot. On for saved plans; a plan made in the same run may skip it.
    public var verifyBasis: Bool
    /// `--dry-run`: do the reads (status, basis) and report what would be sent, without sending or
    /// journaling. The CLI also wraps the transport in `DryRunTransport`, so no write can slip through.
    public var dryRun: Bool

    /// Creates options.
    public init(ignoreStatus: Bool = false, concurrency: Int = 4, verifyBasis: Bool = true, dryRun: Bool = false) {
        self.ignoreStatus = ignoreStatus
        self.concurrency = max(1, concurrency)
        self.verifyBasis = verifyBasis
        self.dryRun = dryRun
    }
}
