/// Something the reviewer of a plan should know that is not itself a change.
public struct PlanWarning: Sendable, Codable, Hashable {
    /// What the warning is about.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        /// A member's `until` is within 14 days.
        case nearExpiry
        /// A desired member was never seen at the facility; adding them may fail.
        case unknownUser
        /// A protected user would have been removed and was kept.
        case protectedKept
        /// The caller would have been removed and was kept.
        case callerKept
        /// An additive group holds someone the manifest no longer wants; nothing is removed.
        case additiveKept
        /// The caller's role in the project cannot create groups or change their members.
        case callerCannotManage
        /// A change undoes one made at the facility outside teamctl (drift): someone may have meant it.
        case revertsDrift

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the warning is about.
    public var kind: Kind
    /// The facility project.
    public var project: String
    /// The group concerned, if any.
    public var group: String?
    /// The user concerned, if any.
    public var subject: String?
    /// A sentence for people.
    public var message: String

    /// Creates a warning.
    public init(kind: Kind, project: String, group: String? = nil, subject: String? = nil, message: String) {
        self.kind = kind
        self.project = project
        self.group = group
        self.subject = subject
        self.message = message
    }
}
