import AccountModels
import Foundation

/// NERSC's Superfacility API v1.2 as a back end: Unix groups are read and written; the roster is inferred from
/// groups, only the caller's own role is visible, and permissions and hour shares cannot be seen at all, so those
/// become manual items for Iris.
public struct SFAPIProvider: FacilityProvider {
    /// The client calls go through.
    public let client: SFAPIClient
    /// The facility profile name, e.g. `nersc`.
    public let facility: String
    /// Where people do what the API cannot.
    public let irisURL: String
    /// The time a refresh stamps its snapshot with (a demo or a test runs on its own clock).
    public var now: @Sendable () -> Date = { Date() }

    /// Wraps a client.
    public init(client: SFAPIClient, facility: String, irisURL: String = SFAPIWording.defaultIrisURL) {
        self.client = client
        self.facility = facility
        self.irisURL = irisURL
    }

    public var name: String { "sfapi" }

    /// SFAPI v1.2: groups are observable and writable; the roster (through groups) and roles (the caller's own)
    /// are observable; nothing else is, and nothing else can be written.
    public static let capabilities = ProviderCapabilities(observable: [.groups, .roster, .roles], writable: [.groups])

    public var capabilities: ProviderCapabilities { Self.capabilities }

    public var wording: any ManualWording { SFAPIWording(irisURL: irisURL) }

    public var naming: any NamingRules { SFAPINaming() }

    /// The status of `iris`, NERSC's account system; a facility that does not list it counts as active.
    public func accountSystemStatus() async throws -> AccountSystemStatus {
        guard let status = try await client.system(named: "iris") else {
            return AccountSystemStatus(name: "iris", isActive: true, state: "not listed")
        }
        return AccountSystemStatus(
            name: status.name, isActive: status.status == .active, state: status.status.rawValue,
            notes: status.notes ?? [])
    }

    public func statusReport() async throws -> FacilityStatusReport {
        async let systemsRead = client.systems()
        async let outagesRead = client.outages()
        let systems = try await systemsRead.sorted { $0.name < $1.name }
        let current = try await outagesRead.filter {
            ($0.status ?? "Active") == "Active" || $0.status == "Extended"
        }
        let iris = systems.first { $0.name == "iris" }
        return FacilityStatusReport(
            source: client.apiBaseURL.host ?? client.apiBaseURL.absoluteString,
            systems: systems.map { .init(name: $0.name, state: $0.status.rawValue, note: $0.notes?.first) },
            outages: current.map { outage in
                let window = [outage.start_at, outage.end_at].compactMap { $0 }.joined(separator: " to ")
                return "\(outage.name)  \(outage.status ?? "")  \(window)  \(outage.description ?? "")"
            },
            accountSystemName: "iris",
            accountSystem: iris.map {
                AccountSystemStatus(
                    name: $0.name, isActive: $0.status == .active, state: $0.status.rawValue, notes: $0.notes ?? [])
            },
            accountSystemReason: iris.map { $0.notes?.first ?? $0.description ?? "no reason given" })
    }

    public func callerName() async throws -> String { try await client.currentUser().name }

    public func refresh(
        for manifests: [TeamManifest], cache: AccountCache?, observe: Bool,
        progress: (@Sendable (RefreshProgress) -> Void)?
    ) async throws -> RefreshResult {
        let snapshot = try await Refresher(client: client, cache: cache, now: now, progress: progress)
            .refresh(facility: facility, extraGroups: Self.groupNames(of: manifests))
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var summary =
            "\(count(snapshot.projects.count, "project")), \(count(snapshot.groups.count, "group")), "
            + "\(count(snapshot.clients.count, "client"))"
        if !snapshot.missingGroups.isEmpty {
            summary += " (\(snapshot.missingGroups.count) named group(s) do not exist yet)"
        }
        return RefreshResult(
            facility: snapshot.facility, caller: snapshot.caller, snapshotID: snapshot.id, summary: summary,
            observed: observe ? try observedState(draining: snapshot, for: manifests, cache: cache) : nil)
    }

    /// A refresh reads groups by name: the manifests' group names are all it needs.
    public func refreshScope(_ manifests: [TeamManifest]) -> [TeamManifest] {
        manifests.map {
            TeamManifest(
                project: $0.project, facility: $0.facility,
                groups: $0.groups.mapValues { GroupSpec(members: .list([]), mode: $0.mode) })
        }
    }

    public func cachedState(for manifests: [TeamManifest], cache: AccountCache) throws -> ObservedState {
        guard let cached = try cache.latestSnapshot(facility: facility) else {
            throw WorkflowError.noSnapshot(facility: facility, cache: cache.path)
        }
        let missing = Self.groupNames(of: manifests).filter {
            cached.groups[$0] == nil && !cached.missingGroups.contains($0)
        }
        if !missing.isEmpty { throw WorkflowError.snapshotLacksGroups(missing, snapshot: cached.id) }
        return try observedState(draining: cached, for: manifests, cache: cache)
    }

    /// The snapshot with that id, read as ``cachedState(for:cache:)`` reads the newest (with the cache's history of
    /// former members and the snapshot's content hash), so a saved plan is planned again exactly as it was made.
    public func cachedState(
        for manifests: [TeamManifest], cache: AccountCache, snapshotID: Int64, fetchedAt: Double
    ) throws -> ObservedState {
        guard let snapshot = try cache.snapshot(id: snapshotID), snapshot.facility == facility else {
            throw WorkflowError.snapshotNotCached(snapshotID)
        }
        let missing = Self.groupNames(of: manifests).filter {
            snapshot.groups[$0] == nil && !snapshot.missingGroups.contains($0)
        }
        if !missing.isEmpty { throw WorkflowError.snapshotLacksGroups(missing, snapshot: snapshot.id) }
        return try observedState(draining: snapshot, for: manifests, cache: cache)
    }

    public func observedHistory(for manifests: [TeamManifest], cache: AccountCache, since: Double?) throws
        -> [ObservedState]?
    {
        // As cachedState: a snapshot that did not read every group the manifests govern (a usage refresh reads
        // none) cannot say who is in the project, so it is left out rather than read as everyone leaving.
        let governed = Self.groupNames(of: manifests)
        // Only the groups the manifests govern and the projects' default groups are read from each snapshot.
        let read = Array(Set(governed).union(manifests.map(\.project))).sorted()
        return try cache.snapshots(facility: facility, since: since, groups: read).compactMap { snapshot in
            guard governed.allSatisfy({ snapshot.groups[$0] != nil || snapshot.missingGroups.contains($0) }) else {
                return nil
            }
            return Self.observedState(of: snapshot, for: manifests, snapshotHash: nil)
        }
    }

    /// SFAPI's project statistics come with every refresh; this reads the caller's whole view as `refresh` does.
    public func refreshUsage(projects: [String], cache: AccountCache) async throws {
        _ = try await refresh(for: [], cache: cache, observe: false, progress: nil)
    }

    public func usageHistory(cache: AccountCache) throws -> [UsageObservation] {
        try cache.snapshots(facility: facility, since: nil).map(UsageObservation.init(snapshot:))
    }

    public func perform(_ change: PlannedChange) async throws -> ChangeAnswer {
        // Every name is checked before anything is sent, whoever made the change (the client checks again).
        try naming.check(change)
        let group: GroupStats
        switch change.action {
        case .createGroup(let name): group = try await client.createGroup(name: name, repoName: change.project)
        case .addGroupMembers(let name, let usernames):
            group = try await client.updateGroup(name: name, usernames: usernames, action: .batchAdd)
        case .removeGroupMembers(let name, let usernames):
            group = try await client.updateGroup(name: name, usernames: usernames, action: .batchRemove)
        default:
            throw UnsupportedChange(changeID: change.id, provider: name)
        }
        return ChangeAnswer(
            state: group.users == nil ? nil : TargetState(values: Set(group.memberNames)),
            detail: "group \(group.name) (gid \(group.gid)) has \(group.memberNames.count) members")
    }

    public func read(_ target: ChangeTarget) async throws -> TargetState {
        guard case .group(let name) = target else {
            throw UnsupportedChange(changeID: target.key, provider: name)
        }
        guard let group = try await client.group(named: name) else { return TargetState(exists: false) }
        return TargetState(values: Set(group.memberNames))
    }

    /// The group names the manifests declare: the groups a refresh reads by name.
    static func groupNames(of manifests: [TeamManifest]) -> [String] {
        Array(Set(manifests.flatMap { $0.groups.keys })).sorted()
    }

    /// The neutral view of a snapshot, with SFAPI's workarounds: the roster is everyone in the project's groups
    /// (the manifest's and the default group named like the project) plus the caller when they hold a role, and
    /// anyone the cache's history showed in those groups who is gone from them now is a possible member (SFAPI
    /// cannot list a project's members, so only a person can tell whether they are still in it).
    func observedState(
        draining snapshot: consuming FacilitySnapshot, for manifests: [TeamManifest], cache: AccountCache?
    ) throws -> ObservedState {
        let groupsByProject = manifests.map { ($0.project, Set($0.groups.keys).union([$0.project])) }
        // Those who were in a project's groups and are not now; those still in them are in the roster anyway.
        let history =
            try cache?.usernamesEverSeen(
                inGroups: Array(groupsByProject.reduce(into: Set<String>()) { $0.formUnion($1.1) }).sorted(),
                facility: facility, notIn: snapshot.id) ?? [:]
        let hash = try cache?.contentHash(snapshotId: snapshot.id)
        var snapshot = snapshot
        return Self.observedState(
            draining: &snapshot, for: manifests,
            formerMembers: Dictionary(
                groupsByProject.map { project, groups in
                    (project, groups.reduce(into: Set<String>()) { $0.formUnion(history[$1] ?? []) })
                }, uniquingKeysWith: { first, _ in first }),
            snapshotHash: hash)
    }

    /// The neutral view of a snapshot, given who earlier snapshots showed in each project's groups.
    public static func observedState(
        of snapshot: FacilitySnapshot, for manifests: [TeamManifest], formerMembers: [String: Set<String>] = [:],
        snapshotHash: String? = nil
    ) -> ObservedState {
        var copy = snapshot
        return observedState(
            draining: &copy, for: manifests, formerMembers: formerMembers, snapshotHash: snapshotHash)
    }

    /// The same, draining the snapshot's groups as it copies them, so a plan does not hold every member twice
    /// (on 100,000 people the snapshot's groups and their copies were 20 MB of plan's peak).
    static func observedState(
        draining snapshot: inout FacilitySnapshot, for manifests: [TeamManifest],
        formerMembers: [String: Set<String>] = [:], snapshotHash: String? = nil
    ) -> ObservedState {
        // Only the groups the manifests govern (and the projects' default groups) are planned against; everyone in
        // any group counts as known. Copying every group's members for nothing cost 40% of plan on 100,000 people.
        var wanted: Set<String> = []
        for manifest in manifests {
            wanted.insert(manifest.project)
            wanted.formUnion(manifest.groups.keys)
        }
        var groups: [String: [String]] = [:]
        var known: Set<String> = [snapshot.caller]
        for name in Array(snapshot.groups.keys) {
            guard let group = snapshot.groups.removeValue(forKey: name) else { continue }
            for user in group.users ?? [] { known.insert(user.name) }
            if wanted.contains(name) { groups[name] = group.memberNames }
        }
        if let user = snapshot.user?.name { known.insert(user) }
        var projects: [String: ObservedProject] = [:]
        for manifest in manifests where projects[manifest.project] == nil {
            let project = manifest.project
            let callerRole = snapshot.callerRole(in: project)
            var members: [String: Role?] = [:]
            members.reserveCapacity(manifest.members.count + 1)
            for name in Set(manifest.groups.keys).union([project]) {
                for user in groups[name] ?? [] { members[user] = .some(nil) }
            }
            if let callerRole { members[snapshot.caller] = Role(irisRole: callerRole.rawValue) }
            projects[project] = ObservedProject(
                members: members, possibleMembers: formerMembers[project] ?? [],
                callerCanManage: callerRole?.canManageGroups ?? false,
                callerRole: callerRole.flatMap { Role(irisRole: $0.rawValue) })
        }
        return ObservedState(
            facility: snapshot.facility, caller: snapshot.caller, snapshotID: snapshot.id, snapshotHash: snapshotHash,
            fetchedAt: snapshot.fetchedAt, groups: groups, missingGroups: Set(snapshot.missingGroups),
            projects: projects, knownUsers: known)
    }
}

extension SFAPIError: ChangeFailureReporting {
    /// No answer arrived (a timeout or a dropped connection), or a gateway answered for a facility that may have
    /// acted: the write may have taken effect.
    public var isAmbiguous: Bool { method.isMutating && (status == nil || status == 502 || status == 504) }

    /// `409 Group X already exists`.
    public var isAlreadyExists: Bool {
        status == 409 || (status == 400 && (detail ?? "").lowercased().contains("already exists"))
    }
}
