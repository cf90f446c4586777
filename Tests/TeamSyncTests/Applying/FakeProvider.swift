import AccountModels
import Foundation

@testable import TeamSync

/// A failure a test injects into the next matching call.
enum InjectedFailure: Sendable {
    /// The request never reached the facility: a timeout with no effect.
    case timeoutBeforeEffect
    /// The facility made the change, then the answer was lost.
    case timeoutAfterEffect
    /// The facility refused with this answer.
    case rejected(String)
}

/// A definite facility refusal, as a provider would raise it.
struct FakeRejection: Error, CustomStringConvertible {
    var answer: String
    var description: String { answer }
}

/// An in-memory facility that counts calls; each group is a set of usernames.
actor FakeFacility {
    var groups: [String: Set<String>]
    var status: SystemStatus.State = .active
    private(set) var calls: [String] = []
    private var failures: [String: [InjectedFailure]] = [:]
    private var inFlight = 0
    private(set) var maxInFlight = 0
    var writeDelayNanoseconds: UInt64 = 0
    /// Users the facility silently leaves out when asked to add them.
    private(set) var ignoredUsers: Set<String> = []

    init(groups: [String: [String]]) { self.groups = groups.mapValues(Set.init) }

    /// Makes the next call named `call` (e.g. `add lumcal`, `read lumcal`, `create g1`) fail.
    func inject(_ failure: InjectedFailure, into call: String) { failures[call, default: []].append(failure) }
    func set(_ name: String, _ members: [String]?) { groups[name] = members.map(Set.init) }
    func setStatus(_ state: SystemStatus.State) { status = state }
    func setWriteDelay(nanoseconds: UInt64) { writeDelayNanoseconds = nanoseconds }
    func ignore(_ users: Set<String>) { ignoredUsers = users }

    var writeCalls: [String] { calls.filter { !$0.hasPrefix("read ") && $0 != "status" } }

    func stats(_ name: String) -> GroupStats? {
        groups[name].map { members in
            GroupStats(gid: 1000, name: name, users: members.sorted().map { UserStats(uid: 1, name: $0) })
        }
    }

    typealias Effect = @Sendable (inout [String: Set<String>]) throws -> Void

    /// Records the call, then applies `effect` unless an injected failure says otherwise.
    func call(_ name: String, effect: Effect = { _ in }) throws {
        calls.append(name)
        let failure = failures[name]?.isEmpty == false ? failures[name]?.removeFirst() : nil
        switch failure {
        case .timeoutBeforeEffect:
            throw TransportError.timedOut(method: .put, url: "https://fake/\(name)")
        case .timeoutAfterEffect:
            try effect(&groups)
            throw TransportError.timedOut(method: .put, url: "https://fake/\(name)")
        case .rejected(let answer):
            throw FakeRejection(answer: answer)
        case nil:
            try effect(&groups)
        }
    }

    /// A write: like `call`, tracking how many are in flight at once.
    func write(_ name: String, group: String, effect: @escaping Effect) async throws -> GroupStats {
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        defer { inFlight -= 1 }
        if writeDelayNanoseconds > 0 { try? await Task.sleep(nanoseconds: writeDelayNanoseconds) }
        try call(name, effect: effect)
        guard let stats = stats(group) else { throw FakeRejection(answer: "404 no group \(group)") }
        return stats
    }
}

/// A `FacilityProvider` over a `FakeFacility` with SFAPI's capabilities (groups only are written).
struct FakeProvider: FacilityProvider {
    let fake: FakeFacility
    var capabilities: ProviderCapabilities = .sfapiV1_2

    init(facility: FakeFacility, capabilities: ProviderCapabilities = .sfapiV1_2) {
        self.fake = facility
        self.capabilities = capabilities
    }

    var name: String { "fake" }
    var facility: String { "nersc" }
    var wording: any ManualWording { GenericManualWording() }

    /// The applier never reads usage; the fake holds none.
    func refreshUsage(projects: [String], cache: AccountCache) async throws {}
    func usageHistory(cache: AccountCache) throws -> [UsageObservation] { [] }

    func accountSystemStatus() async throws -> AccountSystemStatus {
        try await fake.call("status")
        let state = await fake.status
        return AccountSystemStatus(name: "iris", isActive: state == .active, state: state.rawValue)
    }

    func statusReport() async throws -> FacilityStatusReport {
        FacilityStatusReport(
            source: "fake", systems: [], outages: [], accountSystemName: "iris",
            accountSystem: try await accountSystemStatus(), accountSystemReason: nil)
    }

    func callerName() async throws -> String { "pi1" }

    func refresh(
        for manifests: [TeamManifest], cache: AccountCache?, observe: Bool,
        progress: (@Sendable (RefreshProgress) -> Void)?
    ) async throws -> RefreshResult {
        throw FakeRejection(answer: "the fake provider does not refresh")
    }

    func cachedState(for manifests: [TeamManifest], cache: AccountCache) throws -> ObservedState {
        throw FakeRejection(answer: "the fake provider has no cache")
    }

    func read(_ target: ChangeTarget) async throws -> TargetState {
        guard case .group(let name) = target else { throw UnsupportedChange(changeID: target.key, provider: name) }
        try await fake.call("read \(name)")
        guard let members = await fake.groups[name] else { return TargetState(exists: false) }
        return TargetState(values: members)
    }

    func perform(_ change: PlannedChange) async throws -> ChangeAnswer {
        let stats: GroupStats
        switch change.action {
        case .createGroup(let name):
            stats = try await fake.write("create \(name)", group: name) { groups in
                guard groups[name] == nil else { throw FakeRejection(answer: "409 group \(name) already exists") }
                groups[name] = []
            }
        case .addGroupMembers(let group, let usernames):
            let ignored = await fake.ignoredUsers
            let accepted = usernames.filter { !ignored.contains($0) }
            stats = try await fake.write("add \(group)", group: group) { groups in
                guard groups[group] != nil else { throw FakeRejection(answer: "404 no group \(group)") }
                groups[group]?.formUnion(accepted)
            }
        case .removeGroupMembers(let group, let usernames):
            stats = try await fake.write("remove \(group)", group: group) { groups in
                guard groups[group] != nil else { throw FakeRejection(answer: "404 no group \(group)") }
                groups[group]?.subtract(usernames)
            }
        default:
            throw UnsupportedChange(changeID: change.id, provider: name)
        }
        return ChangeAnswer(
            state: TargetState(values: Set(stats.memberNames)),
            detail: "group \(stats.name) (gid \(stats.gid)) has \(stats.memberNames.count) members")
    }
}
