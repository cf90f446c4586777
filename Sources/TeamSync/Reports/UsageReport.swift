import AccountModels
import Foundation

/// A usage report: each project's allocation, what has been used, how fast, and when it runs out.
///
/// Build one with ``UsageReport/build(snapshots:projects:since:now:allocationYear:warnAt:windowDays:warnOnAverage:)`` from the
/// cache's snapshot history, then render it with ``UsageRenderer``. The JSON form of this type is
/// the documented, versioned schema in `docs/usage-report.md`.
public struct UsageReport: Sendable, Codable, Hashable {
    /// The version of the JSON schema; bumped whenever a field changes meaning or goes away.
    ///
    /// Version 2: burn rates come from a window or the year-to-date average (`burnBasis`), and
    /// `runOutDay` is only given within the allocation year.
    public static let currentSchemaVersion = 2

    /// The JSON schema version this report was written with.
    public var schemaVersion: Int
    /// The facility profile the snapshots came from, e.g. `nersc` (empty when there were none).
    public var facility: String
    /// The user whose view of the facility the snapshots hold.
    public var caller: String
    /// When the report was made.
    public var generatedAt: Date
    /// The allocation year that contains `generatedAt`.
    public var allocationYear: AllocationPeriod
    /// The month the allocation year starts in (1 = January).
    public var allocationYearStartMonth: Int
    /// The fraction of the allocation year gone by at `generatedAt`, 0...1.
    public var yearFractionElapsed: Double
    /// The first day of the window asked for with `--since`, if any.
    public var since: CalendarDay?
    /// The warning threshold in percent, if one was asked for.
    public var warnAt: Double?
    /// How many days of snapshots a burn rate needs behind it (`--window`); with less, it is the
    /// year-to-date average.
    public var windowDays: Int
    /// Whether a run-out projected from the year-to-date average is a warning too (`--warn-on-average`).
    public var warnOnAverage: Bool
    /// How many snapshots the report read.
    public var snapshotCount: Int
    /// One entry per project, sorted by project name.
    public var projects: [ProjectUsage]
    /// Projects asked for by name that no snapshot holds.
    public var unknownProjects: [String]
    /// Every threshold crossing and early run-out; empty unless a threshold was set.
    public var warnings: [UsageWarning]

    /// The process exit code a command should end with: 4 when there is any warning, else 0.
    public var exitCode: Int32 { warnings.isEmpty ? ExitStatus.success : ExitStatus.usageAlert }

    /// The exit code for a report with warnings.
    public static let warningExitCode: Int32 = ExitStatus.usageAlert
}

/// One project's allocation and usage.
public struct ProjectUsage: Sendable, Codable, Hashable {
    /// The project name (`repo_name`), e.g. `m1234`.
    public var project: String
    /// The project's description as the facility gives it.
    public var description: String
    /// The caller's Iris role in the project, if known.
    public var callerRole: String?
    /// When the snapshot the latest figures come from was taken.
    public var asOf: Date
    /// False when the newest snapshot no longer lists this project; figures are then from `asOf`.
    public var inLatestSnapshot: Bool
    /// CPU hours.
    public var cpu: HoursUsage
    /// GPU hours.
    public var gpu: HoursUsage
    /// Project directory and archive (HPSS) usage, as of `asOf`.
    public var storage: [StorageUsage]
    /// Cumulative project hours used at each snapshot inside the current allocation year and the window.
    public var series: [UsagePoint]
    /// Plain-language remarks about how the figures were found (missing data, resets, one snapshot).
    public var notes: [String]
    /// Each member's own hours and limits, where the facility reports them per person (Slurm); nil where it does
    /// not (SFAPI shows only the caller's share).
    public var members: [UsageObservation.Member]?
}

/// The two kinds of compute hours a project is given.
public enum HoursResource: String, Sendable, Codable, Hashable, CaseIterable {
    case cpu
    case gpu

    /// The label shown to people: `CPU` or `GPU`.
    public var label: String { rawValue.uppercased() }
}

/// Hours given and used for one resource, with the burn rate and projection.
public struct HoursUsage: Sendable, Codable, Hashable {
    /// Which hours these are.
    public var resource: HoursResource
    /// The project's allocation in hours.
    public var projectGiven: Double?
    /// The project's total use in hours.
    public var projectUsed: Double?
    /// `projectUsed` as a percentage of `projectGiven`; nil when nothing was given.
    public var percentUsed: Double?
    /// The caller's share of the allocation in hours.
    public var callerGiven: Double?
    /// The caller's own use in hours.
    public var callerUsed: Double?
    /// `callerUsed` as a percentage of `callerGiven`; nil when nothing was given.
    public var callerPercentUsed: Double?
    /// The fraction of the allocation used, 0...1 or more; compare with the year fraction elapsed.
    public var fractionUsed: Double?
    /// How fast the project uses these hours, when there is at least a day of figures to say.
    public var burn: BurnRate?
    /// What the burn rate rests on: a window of snapshots, the year-to-date average, or nothing.
    public var burnBasis: BurnBasis
    /// Why there is no burn rate, in plain words; nil when there is one.
    public var burnUnavailable: String?
    /// The day the allocation runs out at the burn rate; nil when that is not within this allocation
    /// year, without a positive burn rate, or when the allocation is already used up.
    public var runOutDay: CalendarDay?
    /// The hours used by the end of the allocation year at the burn rate.
    public var projectedUsedAtYearEnd: Double?
    /// True when there is a run-out day (it always falls on or before the last day of the allocation year).
    public var runsOutBeforeYearEnd: Bool

    /// Whether the project has any of these hours to report.
    public var hasAllocation: Bool { (projectGiven ?? 0) > 0 || (projectUsed ?? 0) > 0 }
}

/// A burn rate and what it was measured over; how it was found is ``HoursUsage/burnBasis``.
public struct BurnRate: Sendable, Codable, Hashable {
    /// Hours used per day: the slope of the least-squares line through (day, hours used) over the window,
    /// or the year-to-date average. Never negative.
    public var hoursPerDay: Double
    /// The start of what the rate was measured over: the window's first snapshot, the allocation year's
    /// start, or a reset.
    public var from: Date
    /// The last snapshot the rate was measured to.
    public var to: Date
    /// How many snapshots the rate rests on.
    public var points: Int
    /// How a person names it: `7-day burn`, `year-to-date average`, `average since 2026-04-06`.
    public var label: String
}

/// The project's cumulative use at one snapshot.
public struct UsagePoint: Sendable, Codable, Hashable {
    /// When the snapshot was taken.
    public var time: Date
    /// Project CPU hours used, if reported.
    public var cpuUsed: Double?
    /// Project GPU hours used, if reported.
    public var gpuUsed: Double?
}

/// Where project data lives.
public enum StorageArea: String, Sendable, Codable, Hashable, CaseIterable {
    /// The project directory, the project's total (`project_projdir_usage`).
    case projdir
    /// The caller's share of the project directory (`projdir_usage`).
    case projdirCaller = "projdir-caller"
    /// The HPSS tape archive (`hpss_usage`).
    case hpss

    /// The label shown to people.
    public var label: String {
        switch self {
        case .projdir: return "projdir"
        case .projdirCaller: return "projdir (you)"
        case .hpss: return "HPSS"
        }
    }
}

/// Bytes and files given and used in one storage area.
public struct StorageUsage: Sendable, Codable, Hashable {
    /// Which area this is.
    public var area: StorageArea
    /// The file system or archive name as the facility gives it.
    public var name: String
    /// The byte quota.
    public var bytesGiven: Double?
    /// The bytes stored.
    public var bytesUsed: Double?
    /// `bytesUsed` as a percentage of `bytesGiven`.
    public var bytesPercentUsed: Double?
    /// The file-count quota.
    public var filesGiven: Double?
    /// The files stored.
    public var filesUsed: Double?
    /// `filesUsed` as a percentage of `filesGiven`.
    public var filesPercentUsed: Double?
}

/// A reason to alert: a threshold crossed or an allocation that runs out before the year ends.
public struct UsageWarning: Sendable, Codable, Hashable {
    /// What kind of warning this is.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// Use is at or over the `--warn-at` percentage.
        case overThreshold = "over-threshold"
        /// At a window burn rate (or the year-to-date average, with `--warn-on-average`) the allocation
        /// runs out before the allocation year ends.
        case runsOutBeforeYearEnd = "runs-out-before-year-end"
    }

    /// What kind of warning this is.
    public var kind: Kind
    /// The project it is about.
    public var project: String
    /// What it is about: `cpu`, `gpu`, or a storage area and measure such as `projdir bytes`.
    public var subject: String
    /// One line a person or a cron mail can act on.
    public var message: String
}
