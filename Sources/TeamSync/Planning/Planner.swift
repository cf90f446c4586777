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
    ///   - naming: The names the back end writes. A change never names anything else: a name that breaks the rules
    ///     (a facility's member `rsato,bchen`) is left out of every change and refuses the plan.
    public static func plan(
        manifests: [TeamManifest], observed: ObservedState, provider: String, capabilities: ProviderCapabilities,
        wording: any ManualWording, naming: any NamingRules = PortableNaming(), options: PlanOptions
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
        let (named, nameRefusals) = validNames(work.changes, facility: observed.facility, naming: naming)
        refusals += nameRefusals
        // Nor does a manual item ask a person to act on such a name (`remove rsato,bchen from the project`): the
        // refusal names it, escaped.
        var manualItems: [ManualItem] = []
        for item in work.manualItems {
            let isUser =
                item.aspect != .groups || item.id.split(separator: "/").dropFirst(3).first != Substring(item.subject)
            // A limit item's empty subject is the project itself.
            let isProject = item.aspect == .limits && item.subject.isEmpty
            guard isUser, !isProject, let rule = naming.problem(with: item.subject, as: .username) else {
                manualItems.append(item)
                continue
            }
            let refusal =
                "the roster of \(item.project) at \(NameText.plain(observed.facility)): \(NameText.quoted(item.subject)) "
                + "is not a valid \(naming.backEnd) username (\(rule)); teamctl names it in no change or manual item, "
                + "so the plan is refused: check it at the facility and in the manifests"
            if !refusals.contains(refusal)
                && !nameRefusals.contains(where: { $0.contains(NameText.quoted(item.subject)) })
            {
                refusals.append(refusal)
            }
        }
        refusals += removalLimitRefusals(manifests: manifests, changes: named, options: options)

        let changes = named.sorted { $0.executionOrderKey < $1.executionOrderKey }
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
            manualItems: manualItems.sorted { $0.id < $1.id },
            warnings: Array(Set(work.warnings)).sorted { $0.orderKey < $1.orderKey },
            refusals: refusals, source: options.source)
    }

    /// The changes with every name the back end's rules refuse taken out (a change left naming nobody, or naming a
    /// group, project or permission that breaks them, is dropped), and a refusal for each such name.
    static func validNames(
        _ changes: [PlannedChange], facility: String, naming: any NamingRules
    ) -> (changes: [PlannedChange], refusals: [String]) {
        var kept: [PlannedChange] = []
        var refusals: [String] = []
        for change in changes {
            let place = "\(describe(change.target)) at \(NameText.plain(facility))"
            func refuse(_ name: String, _ kind: NameKind, _ rule: String) {
                refusals.append(
                    "\(place): \(NameText.quoted(name)) is not a valid \(naming.backEnd) \(kind.words) (\(rule)); "
                        + "teamctl sends no write that names it, so the plan is refused: check it at the facility "
                        + "and in the manifests")
            }
            var others: [(String, NameKind)] = [(change.project, .project)]
            if let group = change.group { others.append((group, .group)) }
            if let permission = change.permission { others.append((permission, .permission)) }
            let broken = others.compactMap { name, kind in naming.problem(with: name, as: kind).map { (name, kind, $0) }
            }
            if !broken.isEmpty {
                for (name, kind, rule) in broken { refuse(name, kind, rule) }
                continue
            }
            let invalid = change.usernames.filter { naming.problem(with: $0, as: .username) != nil }
            guard !invalid.isEmpty else {
                kept.append(change)
                continue
            }
            for name in invalid { refuse(name, .username, naming.problem(with: name, as: .username) ?? "") }
            if let trimmed = change.removing(Set(invalid)) { kept.append(trimmed) }
        }
        return (kept, refusals)
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
