import AccountModels
import Foundation

/// One team's plan across its facilities: a plan per facility it could read, and the facilities it could not.
///
/// Each facility's plan is a whole ``Plan`` (its own basis, changes and manual items), so applying a team plan is
/// applying each facility's plan; the team plan only adds the team's name and one id over all of them.
public struct TeamPlan: Sendable, Codable, Hashable {
    /// The only team plan format this teamctl reads and writes.
    public static let currentFormatVersion = 1
    /// What `kind` says in a team plan file, telling it from a one-facility plan.
    public static let fileKind = "team"

    /// Always ``fileKind``.
    public var kind: String
    /// The team plan format version (`1`).
    public var formatVersion: Int
    /// The team's name.
    public var team: String
    /// A hash over the facilities' plan ids and the unreadable facilities.
    public var planID: String
    /// The plans, one per facility read, sorted by facility.
    public var facilities: [Plan]
    /// The facilities that could not be read, sorted by facility.
    public var unreadable: [UnreadableFacility]

    /// A facility the plan could not be made for, and why.
    public struct UnreadableFacility: Sendable, Codable, Hashable {
        public var facility: String
        public var reason: String

        /// Creates one.
        public init(facility: String, reason: String) {
            self.facility = facility
            self.reason = reason
        }
    }

    /// Creates a team plan and computes its id.
    public init(team: String, facilities: [Plan], unreadable: [UnreadableFacility]) {
        self.kind = Self.fileKind
        self.formatVersion = Self.currentFormatVersion
        self.team = team
        self.facilities = facilities.sorted { $0.basis.facility < $1.basis.facility }
        self.unreadable = unreadable.sorted { $0.facility < $1.facility }
        self.planID = ""
        self.planID = computedPlanID()
    }

    /// The plan of one facility, if the team plan has it.
    public func plan(for facility: String) -> Plan? { facilities.first { $0.basis.facility == facility } }

    /// Every facility the plan covers, read or not, sorted.
    public var facilityNames: [String] {
        (facilities.map(\.basis.facility) + unreadable.map(\.facility)).sorted()
    }

    /// Whether no facility has changes, manual items or refusals, and every one was read.
    public var isInSync: Bool { unreadable.isEmpty && facilities.allSatisfy(\.isInSync) }

    /// Every facility's changes, in one count.
    public var changeCount: Int { facilities.reduce(0) { $0 + $1.changes.count } }

    /// The summary counts over all facilities.
    public var total: PlanSummary {
        PlanSummary(
            changes: facilities.flatMap(\.changes), manualItems: facilities.flatMap(\.manualItems),
            warnings: facilities.flatMap(\.warnings), refusals: facilities.flatMap(\.refusals))
    }

    /// The `--detailed-exitcode` status over all facilities: the worst of them (an unreadable facility is a
    /// failure).
    public var detailedExitStatus: Int32 {
        if !unreadable.isEmpty { return ExitStatus.failure }
        let statuses = facilities.map(ExitStatus.detailed)
        if statuses.contains(ExitStatus.failure) { return ExitStatus.failure }
        if statuses.contains(ExitStatus.changes) { return ExitStatus.changes }
        if statuses.contains(ExitStatus.manualOnly) { return ExitStatus.manualOnly }
        return ExitStatus.success
    }

    /// The plan as a saved plan file (pretty JSON with sorted keys, ending in a newline).
    public func jsonData() throws -> Data {
        var data = try Plan.makeEncoder().encode(self)
        data.append(0x0A)
        return data
    }

    /// Whether saved plan data is a team plan (its `kind` says so) rather than one facility's.
    public static func isTeamPlan(_ data: Data) -> Bool {
        struct Header: Decodable { var kind: String? }
        return (try? JSONDecoder().decode(Header.self, from: data))?.kind == fileKind
    }

    /// Reads a saved team plan, checking its format version and that neither it nor any facility's plan was edited.
    public static func load(from data: Data) throws -> TeamPlan {
        struct Header: Decodable { var formatVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw PlanLoadError.notAPlan("it is not a JSON object")
        }
        guard let version = header.formatVersion else { throw PlanLoadError.notAPlan("it has no formatVersion") }
        guard version == currentFormatVersion else { throw PlanLoadError.unsupportedVersion(version) }
        let plan: TeamPlan
        do {
            plan = try JSONDecoder().decode(TeamPlan.self, from: data)
        } catch let error as DecodingError {
            throw PlanLoadError.malformed(error.plainDescription)
        }
        for facility in plan.facilities {
            guard facility.formatVersion == Plan.currentFormatVersion else {
                throw PlanLoadError.unsupportedVersion(facility.formatVersion)
            }
            try facility.checkIntegrity()
        }
        guard plan.computedPlanID() == plan.planID else { throw PlanLoadError.edited(recorded: plan.planID) }
        return plan
    }

    /// The hash of the team, the facilities' plan ids and the unreadable facilities.
    func computedPlanID() -> String {
        let content =
            [team] + facilities.map { "\($0.basis.facility)=\($0.planID)" }
            + unreadable.map { "\($0.facility)!\($0.reason)" }
        return Plan.shortHash(of: Data(content.joined(separator: "\n").utf8))
    }
}
