import AccountModels

/// The difference between the manifests and the observed facility: what `teamctl apply` will do.
///
/// A plan is a pure value: the same manifests, snapshot, capabilities and options always give a
/// byte-identical plan. Saved as JSON (see `docs/plan-format.md`), it is what `apply` executes.
public struct Plan: Sendable, Codable, Hashable {
    /// The only plan format this teamctl reads and writes. Version 2 added the facility to changes, manual items
    /// and ids, typed changes for every aspect, and a basis covering every target; version 3 added `source`, what the
    /// plan was made from, so that `apply` can make it again and compare.
    public static let currentFormatVersion = 3

    /// The plan file format version (`3`).
    public var formatVersion: Int
    /// A hash of the plan's content (everything but `planID` and `createdAt`); the journal keys runs by it.
    public var planID: String
    /// When the plan was made, ISO 8601 UTC; nil when the caller gave no time.
    public var createdAt: String?
    /// The teamctl version that made the plan.
    public var toolVersion: String
    /// The projects the plan covers, sorted.
    public var projects: [String]
    /// The observed state the plan was computed from.
    public var basis: PlanBasis
    /// The files and the day the plan was made from; nil for a plan made in memory, which `apply` will not take as a
    /// saved plan.
    public var source: PlanSource?
    /// The writes to perform, in execution order.
    public var changes: [PlannedChange]
    /// What a person must do by hand, sorted by id.
    public var manualItems: [ManualItem]
    /// Things worth knowing, sorted.
    public var warnings: [PlanWarning]
    /// Policy violations; apply refuses a plan that has any.
    public var refusals: [String]
    /// Counts for the summary line.
    public var summary: PlanSummary

    /// Creates a plan and computes its `planID` and `summary`.
    public init(
        createdAt: String?, toolVersion: String, projects: [String], basis: PlanBasis,
        changes: [PlannedChange], manualItems: [ManualItem], warnings: [PlanWarning], refusals: [String],
        source: PlanSource? = nil
    ) {
        self.formatVersion = Plan.currentFormatVersion
        self.planID = ""
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.projects = projects
        self.basis = basis
        self.source = source
        self.changes = changes
        self.manualItems = manualItems
        self.warnings = warnings
        self.refusals = refusals
        self.summary = PlanSummary(changes: changes, manualItems: manualItems, warnings: warnings, refusals: refusals)
        self.planID = computedPlanID()
    }

    /// Whether the plan contains neither changes nor manual items.
    public var isInSync: Bool { changes.isEmpty && manualItems.isEmpty }

    /// The changes grouped by the target they touch (a group, a roster, a permission...), each target's in order.
    public var changesByTarget: [(target: ChangeTarget, changes: [PlannedChange])] {
        var order: [ChangeTarget] = []
        var byTarget: [ChangeTarget: [PlannedChange]] = [:]
        for change in changes {
            let key = change.target
            if byTarget[key] == nil { order.append(key) }
            byTarget[key, default: []].append(change)
        }
        return order.map { ($0, byTarget[$0] ?? []) }
    }
}

/// What a plan was made from besides the facility: the manifest files (each with a hash of its bytes) and the day
/// membership ends were judged against. `apply PLANFILE` reads the files again, refuses if any changed, and plans
/// them again against the plan's snapshot: the saved changes must be exactly those.
public struct PlanSource: Sendable, Codable, Hashable {
    /// One file the plan was made from.
    public struct File: Sendable, Codable, Hashable {
        /// What the file is.
        public enum Kind: String, Sendable, Codable, Hashable {
            /// A manifest of version 1 (one project at one facility), as given to `plan -f` or found in a folder.
            case manifest
            /// A team manifest of version 2.
            case team
            /// The people file the team manifest names.
            case people
        }

        /// What the file is.
        public var kind: Kind
        /// The path as `teamctl plan` was given it (or found it in a folder it was given), relative to the folder
        /// it ran in unless given absolute; a people file's path as the team manifest resolves it.
        public var path: String
        /// The SHA-256 of the file's bytes, in hex.
        public var sha256: String

        /// Creates one.
        public init(kind: Kind, path: String, sha256: String) {
            self.kind = kind
            self.path = path
            self.sha256 = sha256
        }
    }

    /// The day membership ends were judged against (`--today`, or the UTC day the plan was made).
    public var today: CalendarDay
    /// The files, manifests sorted by path; a team manifest before its people file.
    public var files: [File]

    /// Creates a source.
    public init(today: CalendarDay, files: [File]) {
        self.today = today
        self.files = files
    }

    /// The files `teamctl plan` was given (manifests, or the team manifest): not the people file, which the team
    /// manifest names.
    public var entries: [File] { files.filter { $0.kind != .people } }
}

/// The facility state a plan was computed from, kept so a saved plan can prove the facility has not moved.
public struct PlanBasis: Sendable, Codable, Hashable {
    /// The cache's id of the snapshot.
    public var snapshotID: Int64
    /// A content hash of the snapshot, when the cache provides one.
    public var snapshotHash: String?
    /// When the snapshot was fetched, seconds since 1970 (UTC).
    public var fetchedAt: Double
    /// The facility profile name.
    public var facility: String
    /// The back end the facility is reached through (its provider's `name`).
    public var provider: String
    /// The username the plan acts as.
    public var caller: String
    /// Where manual items are done, for headings (e.g. `the account portal`).
    public var manualSystem: String?
    /// The observed state of every target the plan's changes touch, by ``ChangeTarget/key``.
    public var targets: [String: TargetState]

    /// Creates a basis.
    public init(
        snapshotID: Int64, snapshotHash: String?, fetchedAt: Double, facility: String, provider: String,
        caller: String, manualSystem: String?, targets: [String: TargetState]
    ) {
        self.snapshotID = snapshotID
        self.snapshotHash = snapshotHash
        self.fetchedAt = fetchedAt
        self.facility = facility
        self.provider = provider
        self.caller = caller
        self.manualSystem = manualSystem
        self.targets = targets
    }
}

/// The counts a plan's summary line shows.
public struct PlanSummary: Sendable, Codable, Hashable {
    /// Groups to create.
    public var groupsToCreate: Int
    /// Groups that already exist and gain or lose members.
    public var groupsToChange: Int
    /// Usernames added to groups, summed over groups (created groups included).
    public var membersToAdd: Int
    /// Usernames removed from groups, summed over groups.
    public var membersToRemove: Int
    /// Roster and role changes (providers that can write them), counted per username.
    public var rosterChanges: Int
    /// Permission grants and revocations, counted per username.
    public var permissionChanges: Int
    /// Limits to set.
    public var limitChanges: Int
    /// Manual items.
    public var manualItems: Int
    /// Warnings.
    public var warnings: Int
    /// Refusals.
    public var refusals: Int

    /// Counts the given plan content.
    public init(changes: [PlannedChange], manualItems: [ManualItem], warnings: [PlanWarning], refusals: [String]) {
        let created = Set(changes.filter { $0.kind == .createGroup }.compactMap(\.group))
        groupsToCreate = created.count
        groupsToChange =
            Set(
                changes.filter { ($0.kind == .addMembers || $0.kind == .removeMembers) }.compactMap(\.group)
            ).subtracting(created).count
        membersToAdd = changes.filter { $0.kind == .addMembers }.reduce(0) { $0 + $1.usernames.count }
        membersToRemove = changes.filter { $0.kind == .removeMembers }.reduce(0) { $0 + $1.usernames.count }
        rosterChanges = changes.filter { [.addToProject, .removeFromProject, .setRole].contains($0.kind) }
            .reduce(0) { $0 + $1.usernames.count }
        permissionChanges = changes.filter { [.grantPermission, .revokePermission].contains($0.kind) }
            .reduce(0) { $0 + $1.usernames.count }
        limitChanges = changes.filter { $0.kind == .setLimit }.count
        self.manualItems = manualItems.count
        self.warnings = warnings.count
        self.refusals = refusals.count
    }
}
