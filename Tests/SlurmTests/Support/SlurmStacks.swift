import Testing

/// Every suite that talks to a Slurm stack. Tests take their stack one at a time (slurmdbd 22.05.8 segfaults with
/// several clients at once, and on 24.11 concurrent `sacctmgr add user` runs were seen to fail with "Unspecified
/// error" while another client held the same tables), but the two stacks are separate daemons and databases, so a
/// 22.05 test and a 24.11 test run at the same time: ``SlurmStackLock`` is one lock per version, taken by the
/// single-version suites through their ``SlurmStackLock/Trait`` and by the tests parameterized over versions through
/// ``SlurmStackLock/exclusive(_:_:)``.
@Suite struct SlurmStacks {}

/// One first-come, first-served lock per Slurm version.
actor SlurmStackLock {
    static let shared = SlurmStackLock()

    private var held: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    private func acquire(_ version: String) async {
        if held.insert(version).inserted { return }
        await withCheckedContinuation { waiting[version, default: []].append($0) }
    }

    private func release(_ version: String) {
        if var queue = waiting[version], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[version] = queue
            next.resume()  // the lock passes straight to the next waiter; `held` keeps the version
        } else {
            held.remove(version)
        }
    }

    /// Runs `body` while no other test uses the `version` stack.
    static func exclusive<T: Sendable>(
        _ version: String, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        await shared.acquire(version)
        do {
            let result = try await body()
            await shared.release(version)
            return result
        } catch {
            await shared.release(version)
            throw error
        }
    }

    /// The lock of one version around every test (not the suite itself) of a suite that uses only that stack.
    struct Trait: SuiteTrait, TestTrait, TestScoping {
        let version: String
        var isRecursive: Bool { true }

        func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            guard testCase != nil else { return try await function() }
            try await SlurmStackLock.exclusive(version, function)
        }
    }
}

extension Trait where Self == SlurmStackLock.Trait {
    /// Each test of the suite holds the `version` stack's lock while it runs.
    static func stackLock(_ version: String) -> Self { SlurmStackLock.Trait(version: version) }
}
