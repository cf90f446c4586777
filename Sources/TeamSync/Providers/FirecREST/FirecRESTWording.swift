import AccountModels

/// How manual items read for CSCS: every one is done by the project's PI or deputy PI in CSCS's account portal,
/// since neither FirecREST nor the Alps Accounting API can show or change a project's members.
///
/// Since 1 April 2026 that portal is `https://portal.cscs.ch` (a Waldur deployment; `account.cscs.ch` is the older
/// tool), where a project's roles are Project administrator (the PI), Project manager (the deputy PI) and Project
/// member, and users are invited one by one or in bulk from a CSV of Email, Role and Project.
public struct FirecRESTWording: ManualWording {
    /// CSCS's account portal, where PIs and deputies manage their projects' members.
    public static let portal = "https://portal.cscs.ch"

    /// The facility profile, for notes.
    public var facility: String

    /// Creates the wording.
    public init(facility: String) { self.facility = facility }

    public var system: String? { "the CSCS account portal" }

    /// CSCS's project roles as the portal names them: the PI is a Project administrator, the deputy PI a Project
    /// manager.
    public func roleName(_ role: Role) -> String {
        switch role {
        case .pi: return "Project administrator"
        case .piProxy: return "Project manager"
        case .member: return "Project member"
        }
    }

    public func place(of item: ManualItemDraft) -> String {
        let project = "CSCS account portal: \(Self.portal) → project \(item.project.lowercased())"
        switch item.aspect {
        case .roster:
            return "\(project) → members: invite or remove (one by one, or in bulk from a CSV of Email, Role, Project)"
        case .roles: return "\(project) → members → role of \(item.subject)"
        case .groups: return "\(project) → members (project groups follow membership at CSCS)"
        case .limits, .permissions: return "\(project): ask CSCS support (help@cscs.ch), it is not self-service"
        }
    }

    public func note(for item: ManualItemDraft) -> String? {
        let why = item.reason.map { "\($0); " } ?? ""
        let what: String
        switch item.aspect {
        case .roles: what = "roles"
        case .groups: what = "groups"
        case .limits: what = "limits"
        case .permissions: what = "permissions"
        case .roster: what = "members"
        }
        return "\(why)neither FirecREST nor the Alps Accounting API shows a project's \(what), so teamctl cannot "
            + "check this: acknowledge it (teamctl ack) once done"
    }
}
