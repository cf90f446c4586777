/// Exit codes of `teamctl plan --detailed-exitcode`.
public enum PlanExitCode {
    /// The facility matches the manifests: nothing to apply, nothing to do by hand.
    public static let inSync: Int32 = 0
    /// The plan breaks a policy (for example `max_removals`); apply would refuse it.
    public static let refused: Int32 = 1
    /// There are changes to apply.
    public static let changes: Int32 = 2
    /// There are no changes to apply, only manual items.
    public static let manualOnly: Int32 = 3

    /// The detailed exit code for a plan: 0 in sync, 1 refused, 2 changes to apply, 3 only manual items.
    public static func detailed(_ plan: Plan) -> Int32 {
        if !plan.refusals.isEmpty { return refused }
        if !plan.changes.isEmpty { return changes }
        if !plan.manualItems.isEmpty { return manualOnly }
        return inSync
    }
}
