import AccountModels

/// How a provider words manual items: where a person does each thing, and how an item closes.
///
/// The planner decides which items exist from the provider's capabilities alone; the words come from here, so
/// nothing in planning names a back end or its web portal.
public protocol ManualWording: Sendable {
    /// The place manual work happens, for headings, e.g. `the account portal`; nil for no particular place.
    var system: String? { get }
    /// A role as the facility spells it, e.g. `Deputy PI`.
    func roleName(_ role: Role) -> String
    /// Where a person does the item, e.g. `Account portal: https://accounts.example.org/ → project m4812 → Roster`.
    func place(of item: ManualItemDraft) -> String
    /// How the item closes or why it exists, when that is not obvious.
    func note(for item: ManualItemDraft) -> String?
}

/// An item the planner wants worded: what, for whom, and whether a refresh can verify it.
public struct ManualItemDraft: Sendable, Hashable {
    /// What a person must do.
    public enum Operation: String, Sendable, Hashable {
        case create, add, remove, setRole, grant, revoke, setLimit
    }

    /// The facility profile.
    public var facility: String
    /// The aspect it is about.
    public var aspect: ProviderCapabilities.Aspect
    /// The operation.
    public var operation: Operation
    /// The project.
    public var project: String
    /// The user (or the group, for a group creation; empty for a project limit).
    public var subject: String
    /// The group, permission or resource the item is about, when there is one.
    public var object: String?
    /// The value wanted, when there is one (a role, a limit such as `500` or `unlimited`).
    public var value: String?
    /// Whether a later refresh can show it done.
    public var verifiable: Bool
    /// Why, in words the planner knows (`membership ended 2026-10-31`, `not in the manifest`, `currently PI`).
    public var reason: String?

    /// Creates a draft.
    public init(
        facility: String, aspect: ProviderCapabilities.Aspect, operation: Operation, project: String,
        subject: String, object: String? = nil, value: String? = nil, verifiable: Bool, reason: String? = nil
    ) {
        self.value = value
        self.facility = facility
        self.aspect = aspect
        self.operation = operation
        self.project = project
        self.subject = subject
        self.object = object
        self.verifiable = verifiable
        self.reason = reason
    }
}

/// Plain wording for providers with no portal of their own to point at.
public struct GenericManualWording: ManualWording {
    /// Where to do things, e.g. `the facility's account portal`.
    public var portal: String

    /// Creates a wording.
    public init(portal: String = "the facility's account system") { self.portal = portal }

    public var system: String? { nil }

    public func roleName(_ role: Role) -> String { role.rawValue }

    public func place(of item: ManualItemDraft) -> String { "\(portal) (\(item.facility)) → project \(item.project)" }

    public func note(for item: ManualItemDraft) -> String? {
        if item.verifiable { return item.reason }
        let why = item.reason.map { "\($0); " } ?? ""
        return "\(why)\(item.facility) cannot show \(item.aspect.rawValue): acknowledge this item once it is done"
    }
}
