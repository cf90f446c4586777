import AccountModels

/// How manual items read for CSCS: every one is done by the project's PI or deputy PI in CSCS's account portal,
/// since neither FirecREST nor the Alps Accounting API can show or change a project's members.
public struct FirecRESTWording: ManualWording {
    /// CSCS's Account and Resources Management Tool, where PIs and deputies manage their projects' members.
    public static let portal = "https://account.cscs.ch"

    /// The facility profile, for notes.
    public var facility: String

    /// Creates the wording.
    public init(facility: String) { self.facility = facility }

    public var system: String? { "the CSCS account portal" }

    /// CSCS's project roles: PI, deputy PI, member.
    public func roleName(_ role: Role) -> String {
        switch role {
        case .pi: return "PI"
        case .piProxy: return "Deputy PI"
        case .member: return "member"
        }
    }

    public func place(of item: ManualItemDraft) -> String {
        let project = "CSCS account portal: \(Self.portal) → project \(item.project.lowercased())"
        switch item.aspect {
        case .roster: return "\(project) → Members"
        case .roles: return "\(project) → Members → role of \(item.subject)"
        case .groups: return "\(project) → Members (project groups follow membership at CSCS)"
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
