import AccountModels
import Foundation

/// Reads the caller's view of a facility in parallel and stores it as one snapshot, all or nothing.
///
/// Reads the caller's user, projects, roles, groups and clients, and every extra group by name
/// (`/account/groups` lists only the caller's own groups) unless that list already returned it with
/// its members: the minimum number of requests, all in flight together. Any failed read fails the refresh: nothing
/// is stored, so a partial read is never taken for "no members". A 404 for a named group is not a
/// failure: the group is recorded as missing.
public struct Refresher: Sendable {  // SFAPI snapshots; providers expose it as `refresh(for:cache:progress:)`
    /// The client reads go through (its transport bounds requests in flight).
    public let client: SFAPIClient
    /// Where the snapshot is stored; nil to only read.
    public let cache: AccountCache?
    /// The wall clock, for the snapshot's time.
    public let now: @Sendable () -> Date
    /// Called after each read finishes.
    public let progress: (@Sendable (RefreshProgress) -> Void)?

    /// Creates a refresher.
    public init(
        client: SFAPIClient, cache: AccountCache?, now: @escaping @Sendable () -> Date = { Date() },
        progress: (@Sendable (RefreshProgress) -> Void)? = nil
    ) {
        self.client = client
        self.cache = cache
        self.now = now
        self.progress = progress
    }

    private enum Read: Sendable {
        case user(UserInfo)
        case projects([ProjectStats])
        case roles([RoleStats])
        case groups([GroupStats])
        case clients([APIClient])
        case named(String, GroupStats?)
        case listed(String)
    }

    /// Reads everything, stores it (when there is a cache) and returns the snapshot, with its id when stored.
    public func refresh(facility: String, extraGroups: [String]) async throws -> FacilitySnapshot {
        let named = Array(Set(extraGroups)).sorted()
        let total = 5 + named.count
        let counter = ProgressCounter(total: total, report: progress)
        progress?(RefreshProgress(done: 0, total: total))
        let client = self.client
        var snapshot = FacilitySnapshot(fetchedAt: 0, facility: facility, caller: "")
        var ownGroups: [GroupStats] = []
        var namedGroups: [String: GroupStats] = [:]
        // Every read runs to its end even after one fails, then the first failure is thrown: nothing
        // is left running behind the caller's back, and nothing is stored.
        var firstFailure: (any Error)?
        await withTaskGroup(of: Result<Read, any Error>.self) { group in
            func read(_ body: @escaping @Sendable () async throws -> Read) {
                group.addTask {
                    do { return .success(try await body()) } catch { return .failure(error) }
                }
            }
            let ownList = Task { try await client.groups() }
            read { .user(try await client.currentUser()) }
            read { .projects(try await client.projects()) }
            read { .roles(try await client.roles()) }
            read { .groups(try await ownList.value) }
            read { .clients(try await client.clients()) }
            for name in named {
                read {
                    // A group the caller's own list already returned with its members needs no second read.
                    if let listed = try? await ownList.value,
                        listed.contains(where: { $0.name == name && $0.users != nil })
                    {
                        return .listed(name)
                    }
                    return .named(name, try await client.group(named: name))
                }
            }
            for await outcome in group {
                await counter.advance()
                switch outcome {
                case .failure(let error): firstFailure = firstFailure ?? error
                case .success(.user(let user)):
                    snapshot.user = user
                    snapshot.caller = user.name
                case .success(.projects(let projects)): snapshot.projects = projects
                case .success(.roles(let roles)): snapshot.roles = roles
                case .success(.groups(let groups)): ownGroups = groups
                case .success(.clients(let clients)): snapshot.clients = clients
                case .success(.listed): break
                case .success(.named(let name, let found)):
                    if let found { namedGroups[name] = found } else { snapshot.missingGroups.append(name) }
                }
            }
        }
        if let firstFailure { throw firstFailure }
        for group in ownGroups { snapshot.groups[group.name] = group }
        // A group read by name carries its full member list; it wins over the caller's list entry.
        for (name, group) in namedGroups { snapshot.groups[name] = group }
        snapshot.fetchedAt = now().timeIntervalSince1970
        guard let cache else { return snapshot.canonicalized() }
        return try cache.store(snapshot)
    }
}

private actor ProgressCounter {
    let total: Int
    let report: (@Sendable (RefreshProgress) -> Void)?
    var done = 0

    init(total: Int, report: (@Sendable (RefreshProgress) -> Void)?) {
        self.total = total
        self.report = report
    }

    func advance() {
        done += 1
        report?(RefreshProgress(done: done, total: total))
    }
}
