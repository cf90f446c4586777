import AccountModels

/// How manual items read for NERSC: everything the API cannot do is done in Iris, with Iris's role names.
public struct SFAPIWording: ManualWording {
    /// Iris's address.
    public static let defaultIrisURL = "https://iris.nersc.gov/"

    /// Iris's address, as configured.
    public var irisURL: String

    /// Creates the wording.
    public init(irisURL: String = Self.defaultIrisURL) { self.irisURL = irisURL }

    public var system: String? { "Iris" }

    public func roleName(_ role: Role) -> String {
        switch role {
        case .pi: return IrisRole.pi.rawValue
        case .piProxy: return IrisRole.piProxy.rawValue
        case .member: return IrisRole.member.rawValue
        }
    }

    public func place(of item: ManualItemDraft) -> String {
        let place: String
        switch item.aspect {
        case .groups: place = item.operation == .create ? "Groups" : "Groups → \(item.object ?? item.subject)"
        case .roster, .roles: place = "Roster"
        case .permissions: place = "Roster → \(item.subject) → Permissions"
        case .limits: place = item.subject.isEmpty ? "Allocations" : "Roster → \(item.subject) → Allocations"
        }
        return "Iris: \(irisURL) → project \(item.project) → \(place)"
    }

    public func note(for item: ManualItemDraft) -> String? {
        switch (item.aspect, item.verifiable) {
        case (.roster, true):
            return item.operation == .add
                ? "done once a refresh shows \(item.subject) in one of the project's groups" : item.reason
        case (.roster, false):
            return "\(item.reason ?? "not in the manifest"); no longer in any of the project's groups, and "
                + "\(item.facility) cannot show project membership: acknowledge this item once Iris no longer lists "
                + "them"
        case (.roles, true): return item.reason
        case (.roles, false):
            return "\(item.facility) shows only the caller's own role; acknowledge this item once Iris shows it"
        case (.permissions, _): return "the API cannot show permissions; acknowledge this item once it is granted"
        case (.limits, _): return "the API cannot show hour limits; acknowledge this item once Iris shows it"
        case (.groups, _): return item.reason
        }
    }
}

extension Role {
    /// The manifest role for an Iris role string (`PI`, `PI Proxy`, `Member`), if it is one.
    public init?(irisRole: String) {
        switch IrisRole(rawValue: irisRole) {
        case .pi: self = .pi
        case .piProxy: self = .piProxy
        case .member: self = .member
        case nil: return nil
        }
    }
}
