import AccountModels

/// Computes plans: a pure function of manifests, an observed state, the provider's capabilities and wording, and
/// options.
///
/// The planner performs no I/O and reads no clock; everything it needs is an argument, and every
/// collection it emits is sorted, so the same inputs always give a byte-identical plan.
public enum Planner {
    /// How many days before a membership's `until` the plan starts warning.
    public static let nearExpiryDays = 14

    /// Diffs `manifests` (one per project) against `observed` and returns the plan that reconciles them.
    ///
    /// - Parameters:
    ///   - provider: The back end's name, recorded in the basis.
    ///   - capabilities: What the back end can observe and write; decides change or manual item per aspect.
    ///   - wording: How the back end words manual items.
    public static func plan(
        manifests: [TeamManifest], observed: ObservedState, provider: String, capabilities: ProviderCapabilities,
        wording: any ManualWording, options: PlanOptions
    ) -> Plan {
        var refusals = crossManifestRefusals(manifests, observed: observed)
        var seenProjects: Set<String> = []
        var work = PlanWork()
        for manifest in manifests.sorted(by: { $0.project < $1.project })
        where seenProjects.insert(manifest.project).inserted {
            var project = ProjectPlanning(
                manifest: manifest, observed: observed, capabilities: capabilities, wording: wording,
                options: options)
            project.run()
            work.merge(project.work)
        }
        refusals += removalLimitRefusals(manifests: manifests, changes: work.changes, options: options)

        let changes = work.changes.sorted { $0.executionOrderKey < $1.executionOrderKey }
        var targets: [String: TargetState] = [:]
        for change in changes where targets[change.target.key] == nil {
            targets[change.target.key] = observed.target(change.target)
        }
        let basis = PlanBasis(
            snapshotID: observed.snapshotID, snapshotHash: observed.snapshotHash, fetchedAt: observed.fetchedAt,
            facility: observed.facility, provider: provider, caller: observed.caller, manualSystem: wording.system,
            targets: targets)
        return Plan(
            createdAt: options.createdAt.map(Plan.isoTimestamp), toolVersion: options.toolVersion,
            projects: Array(seenProjects).sorted(), basis: basis, changes: changes,
            manualItems: work.manualItems.sorted { $0.id < $1.id },
            warnings: Array(Set(work.warnings)).sorted { $0.orderKey < $1.orderKey },
            refusals: refusals)
    }

    /// Problems no single manifest shows: a project or group claimed twice, or the wrong facility.
    static func crossManifestRefusals(_ manifests: [TeamManifest], observed: ObservedState) -> [String] {
        var refusals: [String] = []
        let byProject = Dictionary(grouping: manifests, by: \.project)
        for (project, list) in byProject.sorted(by: { $0.key < $1.key }) where list.count > 1 {
            refusals.append(
                "project \(project) is governed by \(list.count) manifests; keep exactly one manifest per project")
        }
        var owners: [String: Set<String>] = [:]
        for manifest in manifests {
            for group in manifest.groups.keys { owners[group, default: []].insert(manifest.project) }
        }
        for (group, projects) in owners.sorted(by: { $0.key < $1.key }) where projects.count > 1 {
            refusals.append(
                "group \(group) is declared by the manifests of \(projects.sorted().joined(separator: " and ")); "
                    + "a group belongs to one project: remove it from all but one manifest")
        }
        for manifest in manifests.sorted(by: { $0.project < $1.project }) {
            if let facility = manifest.facility, facility != observed.facility {
                refusals.append(
                    "the manifest of \(manifest.project) is for facility \(facility) but the snapshot is of "
                        + "\(observed.facility); refresh \(facility) first, or correct the manifest's facility"
                )
            }
        }
        return refusals
    }

    /// `max_removals` per project from each manifest, or one plan-wide limit from `--max-removals`.
    static func removalLimitRefusals(
        manifests: [TeamManifest], changes: [PlannedChange], options: PlanOptions
    ) -> [String] {
        // Taking from someone the same plan adds to the project (a permission a newcomer inherits from the project,
        // `ObservedProject.joinerPermissions`) takes nothing anyone had: it does not count.
        var joining: Set<String> = []
        for change in changes {
            if case .addProjectMembers(let names) = change.action {
                joining.formUnion(names.map { "\(change.facility)/\(change.project)/\($0)" })
            }
        }
        func removals(_ selected: [PlannedChange]) -> Int {
            selected.filter(\.isRemoval).reduce(0) { count, change in
                count
                    + change.usernames.filter { !joining.contains("\(change.facility)/\(change.project)/\($0)") }.count
            }
        }
        if let limit = options.maxRemovalsOverride {
            let total = removals(changes)
            guard total > limit else { return [] }
            return [
                "the plan removes \(total) memberships, more than the limit of \(limit) given by --max-removals; "
                    + "check the manifests, or raise --max-removals if this is intended"
            ]
        }
        var refusals: [String] = []
        var checked: Set<String> = []
        for manifest in manifests.sorted(by: { $0.project < $1.project })
        where checked.insert(manifest.project).inserted {
            guard let limit = manifest.policy.max_removals else { continue }
            let count = removals(changes.filter { $0.project == manifest.project })
            if count > limit {
                refusals.append(
                    "project \(manifest.project): the plan removes \(count) memberships, more than max_removals "
                        + "\(limit) in its manifest; check the manifest, "
                        + "or pass --max-removals \(count) if this is intended"
                )
            }
        }
        return refusals
    }
}

/// What planning one project produced, merged into the plan.
struct PlanWork {
    var changes: [PlannedChange] = []
    var manualItems: [ManualItem] = []
    var warnings: [PlanWarning] = []

    mutating func merge(_ other: PlanWork) {
        changes += other.changes
        manualItems += other.manualItems
        warnings += other.warnings
    }
}

extension PlannedChange {
    /// By facility and project, then phase (see ``ChangePhase``), then target, then creation before additions
    /// before removals. The applier runs phases in this order too.
    var executionOrderKey: String {
        let rank: Int
        switch target {
        case .roster: rank = 0
        case .group: rank = 1
        case .roles: rank = 2
        case .permission: rank = 3
        case .limits: rank = 4
        }
        return "\(facility)\u{0}\(project)\u{0}\(phase.rawValue)\u{0}\(rank)\u{0}\(target.key)\u{0}\(step)\u{0}\(id)"
    }
}

extension PlanWarning {
    var orderKey: String {
        "\(project)\u{0}\(kind.rawValue)\u{0}\(group ?? "")\u{0}\(subject ?? "")\u{0}\(message)"
    }
}
