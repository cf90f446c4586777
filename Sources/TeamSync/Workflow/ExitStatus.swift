/// Every exit status teamctl's commands use, in one place (the README's "Exit codes" lists them).
public enum ExitStatus {
    /// Success; with `plan --detailed-exitcode`, the facility matches the manifests.
    public static let success: Int32 = 0
    /// Failure: bad input, a facility error, a refused plan, a failed change.
    public static let failure: Int32 = 1
    /// `plan --detailed-exitcode`: there are changes to apply.
    public static let changes: Int32 = 2
    /// `plan --detailed-exitcode`: only manual items are left; `status`: the account system is not active.
    public static let manualOnly: Int32 = 3
    /// `status`: the account system is not active (the same number as ``manualOnly``: nothing for teamctl to do).
    public static let accountSystemDown: Int32 = 3
    /// `usage --warn-at`: a figure is over the threshold or runs out before the year ends.
    public static let usageAlert: Int32 = 4

    /// The `--detailed-exitcode` status of a plan.
    public static func detailed(_ plan: Plan) -> Int32 {
        if !plan.refusals.isEmpty { return failure }
        if !plan.changes.isEmpty { return changes }
        if !plan.manualItems.isEmpty { return manualOnly }
        return success
    }
}
