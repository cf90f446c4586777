import AccountModels
import Foundation

/// A team's usage across its facilities: each facility's ``UsageReport``, and each person's own hours at every
/// facility that reports them, with their own limits, burn and run-out.
///
/// Build one with ``TeamUsageReport/build(team:histories:notes:since:now:allocationYear:warnAt:windowDays:warnOnAverage:)``
/// from each facility's ``UsageObservation`` history, then render it with ``TeamUsageRenderer``. The JSON form of
/// this type is the documented, versioned team section of `docs/usage-report.md`.
public struct TeamUsageReport: Sendable, Codable, Hashable {
    /// The version of the team JSON schema; bumped whenever a field changes meaning or goes away.
    public static let currentSchemaVersion = 1

    /// The team JSON schema version this report was written with.
    public var schemaVersion: Int
    /// `team`: tells this document from a single facility's ``UsageReport``.
    public var kind: String
    /// The team's name.
    public var team: String
    /// When the report was made.
    public var generatedAt: Date
    /// The allocation year that contains `generatedAt`.
    public var allocationYear: AllocationPeriod
    /// The warning threshold in percent, if one was asked for.
    public var warnAt: Double?
    /// One entry per facility of the run, sorted by name.
    public var facilities: [TeamFacilityUsage]
    /// The team's members with figures at some facility (sorted by person id), then usernames seen in the figures
    /// that belong to no member of the team (sorted by facility and username).
    public var people: [PersonUsage]
    /// Members of the team that no facility gives a figure of (person ids, sorted).
    public var membersWithoutFigures: [String]
    /// Everyone's hours added up, per kind of hours (CPU and GPU are never added together).
    public var totals: [HoursTotal]
    /// People at or over the threshold of their own limit, and each facility's own warnings; empty without a
    /// threshold.
    public var warnings: [TeamUsageWarning]

    /// The process exit code a command should end with: 4 when there is any warning, else 0.
    public var exitCode: Int32 { warnings.isEmpty ? ExitStatus.success : ExitStatus.usageAlert }
}

/// One facility of a team usage report.
public struct TeamFacilityUsage: Sendable, Codable, Hashable {
    /// Where a facility's per-person figures come from.
    public enum PersonFigures: String, Sendable, Codable, Hashable {
        /// Every member's own hours and limit (Slurm associations).
        case members
        /// Only the caller's own share (SFAPI): a per-person figure for one person.
        case caller
        /// None: the facility gives no per-person figure.
        case none
    }

    /// The facility profile.
    public var facility: String
    /// The team's project (or account) there.
    public var project: String
    /// Where the per-person figures of this facility come from.
    public var personFigures: PersonFigures
    /// The facility's own report, for the team's project only.
    public var report: UsageReport
    /// Why the figures may be missing or old (no snapshot yet, a refresh that failed).
    public var notes: [String]
}

/// One person's hours across the team's facilities; or a username seen in the figures that is no member's.
public struct PersonUsage: Sendable, Codable, Hashable {
    /// The person id in the people file; nil when the people file knows no one with this username.
    public var person: String?
    /// The person's name from the people file.
    public var name: String?
    /// Whether the person is a member of the team at these facilities; false for a username the team does not map.
    public var inTeam: Bool
    /// One entry per facility with figures of this person, sorted by facility.
    public var facilities: [PersonFacilityUsage]
    /// The person's hours added up over the facilities, per kind of hours.
    public var totals: [HoursTotal]

    /// How a person is named in a line: `cyilmaz (Cem Yilmaz)`, or the username when the person is unknown.
    public var label: String {
        switch (person, name) {
        case (let id?, let name?): return "\(id) (\(name))"
        case (let id?, nil): return id
        default: return facilities.first?.username ?? "?"
        }
    }
}

/// One person's own hours at one facility.
public struct PersonFacilityUsage: Sendable, Codable, Hashable {
    /// The facility profile.
    public var facility: String
    /// The project (or account) there.
    public var project: String
    /// The person's username there.
    public var username: String
    /// Whether the username is a member of the team at this facility; false for a row "not in the team".
    public var memberHere: Bool
    /// When the newest figures were read.
    public var asOf: Date
    /// How many snapshots hold a figure of this person.
    public var snapshots: Int
    /// CPU hours.
    public var cpu: PersonHours
    /// GPU hours.
    public var gpu: PersonHours
}

/// One kind of a person's hours at one facility: used, their own limit, burn and run-out.
public struct PersonHours: Sendable, Codable, Hashable {
    /// Which hours these are.
    public var resource: HoursResource
    /// The person's own use, in hours.
    public var used: Double?
    /// The person's own limit (or share) in hours; nil when none is set.
    public var limit: Double?
    /// `used` as a percentage of `limit`.
    public var percentOfLimit: Double?
    /// How fast the person uses these hours; only with at least two snapshots holding the figure.
    public var burn: BurnRate?
    /// What the burn rate rests on.
    public var burnBasis: BurnBasis
    /// The day the person's own limit runs out at the burn rate, within the allocation year.
    public var runOutDay: CalendarDay?
    /// True when the person has used their whole limit.
    public var limitUsedUp: Bool

    /// Whether there is anything to show: a use or a limit.
    public var hasFigures: Bool { used != nil || limit != nil }
}

/// Hours of one kind added up.
public struct HoursTotal: Sendable, Codable, Hashable {
    /// Which hours these are.
    public var resource: HoursResource
    /// The hours used.
    public var used: Double
    /// The limits added up; nil unless every figure added has a limit.
    public var limit: Double?
    /// `used` as a percentage of `limit`.
    public var percentOfLimit: Double?
    /// The burn rates added up, hours per day; nil when no figure added has one.
    public var hoursPerDay: Double?
}

/// A reason to alert in a team usage report.
public struct TeamUsageWarning: Sendable, Codable, Hashable {
    /// What kind of warning this is (a person's own limit is `over-threshold`).
    public var kind: UsageWarning.Kind
    /// The facility it is about.
    public var facility: String
    /// The person id, for a warning about one person known to the people file.
    public var person: String?
    /// The username at the facility, for a warning about one person.
    public var username: String?
    /// `cpu` or `gpu` for a person's hours; a facility warning's own subject otherwise.
    public var subject: String
    /// One line a person or a cron mail can act on.
    public var message: String
}
