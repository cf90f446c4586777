import AccountModels
import Foundation

/// What `apply PLANFILE` proves a saved plan against: the manifests it was made from, as read again now, and what the
/// person applying states (a `--max-removals` of their own, the day it is).
///
/// A saved plan is a file anyone who can write it can edit, and its `planID` is a plain content hash anyone can
/// recompute. So a saved plan is applied only once it is proven: its manifests planned again against its snapshot must
/// give exactly its changes, and every policy rule holds on its changes themselves (see ``TeamWorkflow/prove(_:check:)``).
public struct SavedPlanCheck: Sendable {
    /// The manifests the plan records, read again (their hashes checked by ``PlanSourceCheck``).
    public var manifests: [LoadedManifest]
    /// `--max-removals` as given to `apply`: the limit is the manifests' `max_removals` otherwise, whatever the plan
    /// was made with.
    public var maxRemovals: Int?
    /// The day of the apply (`--today`, or the UTC day): a plan made for a later day is refused, and no change may give
    /// anything to someone whose membership has ended by it.
    public var today: CalendarDay

    /// Creates a check.
    public init(manifests: [LoadedManifest], maxRemovals: Int?, today: CalendarDay) {
        self.manifests = manifests
        self.maxRemovals = maxRemovals
        self.today = today
    }
}

/// The outcome of proving a saved plan at one facility: what is wrong with it, if anything.
public struct SavedPlanProof: Sendable {
    /// The plan proven.
    public let plan: Plan
    /// Each way the plan differs from what its manifests ask for or breaks a policy rule; empty when it holds.
    public let problems: [String]

    /// Whether the plan may be applied.
    public var holds: Bool { problems.isEmpty }
    /// Whether the proof could not be made because the facility could not be read (the cache lacks the plan's
    /// snapshot and a fresh read failed): the plan is not applied, but nothing shows it is wrong.
    public let couldNotRead: Bool

    init(plan: Plan, problems: [String], couldNotRead: Bool = false) {
        self.plan = plan
        self.problems = problems
        self.couldNotRead = couldNotRead
    }
}

/// The rules a saved plan's changes are held to, as pure functions of values.
enum SavedPlanRules {
    /// Every policy rule, checked on the saved changes themselves, whatever the plan or a re-plan says: the scope
    /// (facility, project, declared groups and permissions, what the back end writes), the protected users and the
    /// caller (compared folded, so `BCHEN` or `bchen ` is bchen), additive groups, `max_removals`, that additions name
    /// only the manifests' members whose membership has not ended, and the back end's naming rules.
    static func policyProblems(
        _ plan: Plan, manifests: [TeamManifest], maxRemovals: Int?, today: CalendarDay,
        capabilities: ProviderCapabilities, naming: any NamingRules, provider: String
    ) -> [String] {
        var problems: [String] = []
        var byProject: [String: TeamManifest] = [:]
        for manifest in manifests where byProject[manifest.project] == nil { byProject[manifest.project] = manifest }
        let caller = folded(plan.basis.caller)
        var seen: Set<String> = []
        for change in plan.changes {
            let id = "change \(NameText.plain(change.id))"
            if !seen.insert(change.id).inserted { problems.append("\(id) appears more than once") }
            if change.facility != plan.basis.facility {
                problems.append(
                    "\(id) is for facility \(NameText.plain(change.facility)), but the plan is for "
                        + NameText.plain(plan.basis.facility))
            }
            guard let manifest = byProject[change.project] else {
                problems.append(
                    "\(id) is for project \(NameText.plain(change.project)), which none of the plan's manifests "
                        + "governs")
                continue
            }
            let aspect = change.aspect
            if capabilities.treatment(of: aspect) != .change || isRestricted(change, capabilities) {
                problems.append("\(id) writes \(aspect.rawValue), which the \(provider) back end does not write")
            }
            if let group = change.group {
                if let spec = manifest.groups[group] {
                    if case .removeGroupMembers = change.action, spec.mode == .additive {
                        problems.append(
                            "\(id) removes members from group \(group), which is additive in the manifest of "
                                + "\(manifest.project): teamctl removes nobody from it")
                    }
                    if case .addGroupMembers(_, let names) = change.action, case .list(let listed) = spec.members {
                        for name in names where !listed.contains(name) {
                            problems.append(
                                "\(id) adds \(NameText.quoted(name)) to group \(group), whose members in the manifest "
                                    + "of \(manifest.project) do not include them")
                        }
                    }
                } else {
                    problems.append(
                        "\(id) touches group \(NameText.plain(group)), which the manifest of \(manifest.project) "
                            + "does not declare")
                }
            }
            if let permission = change.permission, manifest.permissions[permission] == nil {
                problems.append(
                    "\(id) touches permission \(NameText.plain(permission)), which the manifest of "
                        + "\(manifest.project) does not name")
            }
            let protected = Set(manifest.policy.protected.map(folded))
            if change.isRemoval {
                for name in change.usernames {
                    if protected.contains(folded(name)) {
                        problems.append(
                            "\(id) removes \(NameText.quoted(name)), who is protected by the policy of "
                                + "\(manifest.project)")
                    }
                    if folded(name) == caller {
                        problems.append("\(id) removes \(NameText.quoted(name)), who runs teamctl (the plan's caller)")
                    }
                }
            }
            if change.gives {
                let active = manifest.activeMembers(on: today)
                for name in change.usernames {
                    if let member = manifest.members[name] {
                        if !active.contains(name) {
                            let ended = member.until.map { " on \($0)" } ?? ""
                            problems.append(
                                "\(id) gives access to \(NameText.quoted(name)), whose membership of "
                                    + "\(manifest.project) ended\(ended)")
                        }
                    } else {
                        problems.append(
                            "\(id) gives access to \(NameText.quoted(name)), whom the manifest of \(manifest.project) "
                                + "does not list")
                    }
                }
            }
            problems += naming.problems(in: change)
        }
        problems += Planner.removalLimitRefusals(
            manifests: manifests, changes: plan.changes,
            options: PlanOptions(today: today, maxRemovalsOverride: maxRemovals))
        return problems
    }

    /// How the saved plan differs from the plan its manifests give again (`again`), naming each change and target
    /// that differs (never what it should say). `sameSnapshot`: `again` was made from the plan's own snapshot, so the
    /// snapshot's id, time and hash must match too.
    static func replanProblems(saved: Plan, again: Plan, sameSnapshot: Bool) -> [String] {
        var problems = again.refusals.map { "planned again from its manifests, the plan is refused: \($0)" }
        if saved.projects != again.projects {
            problems.append(
                "the plan covers project(s) \(saved.projects.map(NameText.plain).joined(separator: ", ")), but its "
                    + "manifests govern \(again.projects.joined(separator: ", "))")
        }
        let basis = saved.basis, fresh = again.basis
        if basis.facility != fresh.facility || basis.provider != fresh.provider || basis.caller != fresh.caller {
            problems.append("the plan's facility, back end or caller is not the snapshot's")
        }
        if sameSnapshot
            && (basis.snapshotID != fresh.snapshotID || basis.fetchedAt != fresh.fetchedAt
                || basis.snapshotHash != fresh.snapshotHash)
        {
            problems.append("the plan's basis does not describe snapshot \(fresh.snapshotID)")
        }
        let targets = Set(basis.targets.keys).union(fresh.targets.keys).filter {
            basis.targets[$0] != fresh.targets[$0]
        }
        if !targets.isEmpty {
            let names = targets.sorted().map(NameText.plain).joined(separator: "; ")
            problems.append(
                sameSnapshot
                    ? "the plan's basis does not match snapshot \(fresh.snapshotID) for: \(names)"
                    : "the facility does not hold what the plan's basis says for: \(names); refresh and make a new plan"
            )
        }
        var expected: [String: PlannedChange] = [:]
        for change in again.changes { expected[change.id] = change }
        let savedIDs = Set(saved.changes.map(\.id))
        for change in saved.changes {
            let id = NameText.plain(change.id)
            if let wanted = expected[change.id] {
                if wanted != change { problems.append("change \(id) is not what the manifests ask for") }
            } else {
                problems.append("change \(id) is not one the manifests ask for")
            }
        }
        for change in again.changes where !savedIDs.contains(change.id) {
            problems.append("the manifests ask for change \(change.id), which the plan does not have")
        }
        if problems.isEmpty && saved.changes != again.changes {
            problems.append("the plan's changes are not in the order teamctl makes them")
        }
        return problems
    }

    /// A name as the policy compares it: compatibility-folded (`ｂｃｈｅｎ` is bchen), lower case, without spaces,
    /// control or format characters, so a variant of a protected name counts as that name.
    static func folded(_ name: String) -> String {
        let mapped = name.precomposedStringWithCompatibilityMapping.lowercased()
        return String(
            String.UnicodeScalarView(
                mapped.unicodeScalars.filter {
                    !$0.properties.isWhitespace && $0.properties.generalCategory != .control
                        && $0.properties.generalCategory != .format
                }))
    }

    /// Whether the back end's restrictions keep this change's kind a manual item (an account's own limit, a role
    /// taken away).
    static func isRestricted(_ change: PlannedChange, _ capabilities: ProviderCapabilities) -> Bool {
        switch change.action {
        case .setLimit(let subject, _, _): return subject.isEmpty && capabilities.restrictions.contains(.projectLimits)
        case .setRole(let role, _):
            return capabilities.storedRole(role) == .member && capabilities.restrictions.contains(.roleRemoval)
        default: return false
        }
    }
}

extension PlannedChange {
    /// The aspect the change writes.
    var aspect: ProviderCapabilities.Aspect {
        switch action {
        case .createGroup, .addGroupMembers, .removeGroupMembers: return .groups
        case .addProjectMembers, .removeProjectMembers: return .roster
        case .setRole: return .roles
        case .grantPermission, .revokePermission: return .permissions
        case .setLimit: return .limits
        }
    }

    /// Whether the change gives its usernames something: a membership, a role, a permission, a limit of their own.
    var gives: Bool {
        switch action {
        case .addGroupMembers, .addProjectMembers, .setRole, .grantPermission: return true
        case .setLimit(let subject, _, _): return !subject.isEmpty
        case .createGroup, .removeGroupMembers, .removeProjectMembers, .revokePermission: return false
        }
    }
}

/// Checks that the files a saved plan records are the ones read again: each entry (a manifest, a team manifest) still
/// there with the same hash, and, when the person applying names the manifests with `-f`, that they are the same files
/// by content.
///
/// Without `-f` the plan itself says where its manifests are. Someone who could both edit the plan file and put a
/// manifest of their own where it points could have apply prove the plan against that manifest; where plan files pass
/// through storage others can write (a CI artifact), name the manifests with `-f`, from the repository, as the
/// GitHub action does.
public enum PlanSourceCheck {
    /// Why the recorded files cannot be used as they are.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The plan records no source (made in memory, or by an older teamctl).
        case noSource
        /// A file is gone or unreadable.
        case unreadable(String, String)
        /// A file's content is not what it was when the plan was made.
        case changed(String)
        /// The files named with `-f` are not, by content, the ones the plan was made from.
        case notTheManifests(missing: [String], extra: [String])

        public var description: String {
            switch self {
            case .noSource:
                return "the plan does not record the manifests it was made from, so it cannot be proven; make it again "
                    + "with this teamctl"
            case .unreadable(let path, let reason):
                return
                    "\(NameText.quoted(path, limit: 1024)), which the plan was made from, cannot be read (\(reason)); restore "
                    + "it, or make a new plan"
            case .changed(let path):
                return "\(NameText.quoted(path, limit: 1024)) changed since the plan was made; make a new plan from it"
            case .notTheManifests(let missing, let extra):
                var parts: [String] = []
                if !missing.isEmpty {
                    parts.append(
                        "the plan was made from \(missing.map { NameText.quoted($0, limit: 1024) }.joined(separator: ", ")), which -f "
                            + "does not name (or which changed since)")
                }
                if !extra.isEmpty {
                    parts.append(
                        "-f names \(extra.map { NameText.quoted($0, limit: 1024) }.joined(separator: ", ")), which the plan was not made "
                            + "from")
                }
                return parts.joined(separator: "; ") + "; name exactly the manifests the plan was made from"
            }
        }
    }

    /// The SHA-256 of a file's bytes, in hex.
    public static func sha256(ofFile path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return PlanSource.hash(data)
    }

    /// The recorded entries' paths (relative ones against the current folder), each checked: readable, unchanged.
    /// Throws the first ``Problem``.
    public static func recordedEntries(of source: PlanSource) throws -> [String] {
        for file in source.entries { try checkUnchanged(file) }
        return source.entries.map(\.path)
    }

    /// Checks that the files named with `-f` (as loaded: `given`) are, by content, exactly the plan's entries.
    public static func check(given: [String], against source: PlanSource) throws {
        var recorded: [String: [String]] = [:]
        for file in source.entries { recorded[file.sha256, default: []].append(file.path) }
        var extra: [String] = []
        for path in given {
            let hash = (try? sha256(ofFile: path)) ?? ""
            if var paths = recorded[hash], !paths.isEmpty {
                paths.removeFirst()
                recorded[hash] = paths
            } else {
                extra.append(path)
            }
        }
        let missing = recorded.values.flatMap { $0 }.sorted()
        if !missing.isEmpty || !extra.isEmpty { throw Problem.notTheManifests(missing: missing, extra: extra) }
    }

    /// Checks that a recorded file (a people file, say) still has its hash.
    public static func checkUnchanged(_ file: PlanSource.File) throws {
        let hash: String
        do {
            hash = try sha256(ofFile: file.path)
        } catch {
            throw Problem.unreadable(file.path, (error as NSError).localizedDescription)
        }
        if hash != file.sha256 { throw Problem.changed(file.path) }
    }
}

extension PlanSource {
    /// The hex SHA-256 of some bytes.
    static func hash(_ data: Data) -> String {
        Plan.sha256Hex(data)
    }

    /// The source of a plan made from manifests of version 1: each manifest file's hash; nil when one cannot be read
    /// (a manifest held only in memory).
    public static func of(manifests paths: [String], today: CalendarDay) -> PlanSource? {
        var files: [File] = []
        for path in Set(paths).sorted() {
            guard let hash = try? PlanSourceCheck.sha256(ofFile: path) else { return nil }
            files.append(File(kind: .manifest, path: path, sha256: hash))
        }
        return PlanSource(today: today, files: files)
    }

    /// The source of a plan made from a team manifest (version 2) and its people file; nil when one cannot be read.
    public static func of(team: String, people: String, today: CalendarDay) -> PlanSource? {
        guard let teamHash = try? PlanSourceCheck.sha256(ofFile: team),
            let peopleHash = try? PlanSourceCheck.sha256(ofFile: people)
        else { return nil }
        return PlanSource(
            today: today,
            files: [
                File(kind: .team, path: team, sha256: teamHash), File(kind: .people, path: people, sha256: peopleHash),
            ]
        )
    }
}
