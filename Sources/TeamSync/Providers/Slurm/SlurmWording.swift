import AccountModels

/// How manual items read for a Slurm cluster: the exact `sacctmgr` command an administrator (or a coordinator, where
/// Slurm lets one) runs, and, for Unix groups, that they are kept elsewhere.
public struct SlurmWording: ManualWording {
    /// The cluster the commands name.
    public var cluster: String
    /// The facility profile, for notes.
    public var facility: String

    /// Creates the wording.
    public init(cluster: String, facility: String) {
        self.cluster = cluster
        self.facility = facility
    }

    public var system: String? { "sacctmgr" }

    /// Slurm has one role above a member: account coordinator.
    public func roleName(_ role: Role) -> String {
        switch role {
        case .pi, .piProxy: return "coordinator"
        case .member: return "member"
        }
    }

    public func place(of item: ManualItemDraft) -> String {
        let account = item.project.lowercased()
        let user = item.subject.lowercased()
        switch (item.aspect, item.operation) {
        case (.groups, _):
            return "the site's identity management (LDAP/IdM): Unix groups are not kept in Slurm"
        case (.roster, .remove):
            return "sacctmgr -i delete user where name=\(user) account=\(account) cluster=\(cluster)"
        case (.roster, _):
            return "sacctmgr -i add user \(user) account=\(account) cluster=\(cluster)"
        case (.roles, _):
            return item.object == Role.member.rawValue
                ? "sacctmgr -i delete coordinator names=\(user) accounts=\(account)"
                : "sacctmgr -i add coordinator names=\(user) accounts=\(account)"
        case (.permissions, .revoke):
            return "sacctmgr -i modify user where name=\(user) account=\(account) cluster=\(cluster) "
                + "set qos-=\(item.object ?? "")"
        case (.permissions, _):
            return "sacctmgr -i modify user where name=\(user) account=\(account) cluster=\(cluster) "
                + "set qos+=\(item.object ?? "")"
        case (.limits, _):
            let tres = item.object == LimitResource.gpuHours.rawValue ? "gres/gpu" : "cpu"
            let minutes = item.value.flatMap { Int64($0) }.map { "\($0 * 60)" } ?? "-1"
            let target =
                item.subject.isEmpty
                ? "account where name=\(account) cluster=\(cluster)"
                : "user where name=\(user) account=\(account) cluster=\(cluster)"
            return "sacctmgr -i modify \(target) set GrpTRESMins=\(tres)=\(minutes)"
        }
    }

    public func note(for item: ManualItemDraft) -> String? {
        switch item.aspect {
        case .groups:
            return "\(facility) keeps no Unix groups: acknowledge this item once the group holds these members"
        case .limits where item.subject.isEmpty:
            return [
                item.reason,
                "slurmrestd on Slurm 22.05 ignores changes to an account's own association; add "
                    + "'sacctmgr:' to the profile to let teamctl run this itself",
            ].compactMap { $0 }.joined(separator: "; ")
        case .roles where item.object == Role.member.rawValue:
            return [
                item.reason,
                "slurmrestd on Slurm 22.05 cannot remove a coordinator; add 'sacctmgr:' to the "
                    + "profile to let teamctl run this itself",
            ].compactMap { $0 }.joined(separator: "; ")
        default:
            return item.reason
        }
    }
}
