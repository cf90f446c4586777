import Foundation
import GRDB
import Testing

@testable import TeamSync

struct SQLiteApplyJournalTests {
    func journal() throws -> (SQLiteApplyJournal, AccountCache, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cache = try AccountCache(path: directory.appendingPathComponent("cache.sqlite").path)
        return (
            SQLiteApplyJournal(dbWriter: cache.dbWriter, now: { Date(timeIntervalSince1970: 1_800_000_000) }), cache,
            directory
        )
    }

    @Test func beginPlannedRecordsTheRunAndEveryChangeAsPlannedInOneStep() async throws {
        let (journal, cache, directory) = try journal()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = ApplyRun(
            id: "run-1", planID: "plan-1", startedAt: 1, provider: "sfapi", facility: "nersc",
            changeIDs: ["a", "b", "c"])
        try await journal.beginPlanned(run: run)

        let events = try #require(try await journal.events(runID: "run-1"))
        #expect(events.events.map(\.changeID) == ["a", "b", "c"])
        #expect(events.events.allSatisfy { $0.state == ChangeState.planned.rawValue && $0.detail == nil })
        #expect(try await journal.runs().map(\.changes) == [3])
        // Planned is not attempted: a rerun must still send these changes.
        #expect(try await journal.attemptedChangeIDs(planID: "plan-1").isEmpty)
        let transactions = try await cache.dbWriter.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT at) FROM apply_event WHERE run_id = 'run-1'")
        }
        #expect(transactions == 1)
    }

    @Test func beginPlannedMatchesBeginThenOneRecordPerChange() async throws {
        let (batched, _, first) = try journal()
        let (oneByOne, _, second) = try journal()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let run = ApplyRun(
            id: "r", planID: "p", startedAt: 5, provider: "sfapi", facility: "nersc", changeIDs: ["x", "y"])
        try await batched.beginPlanned(run: run)
        try await oneByOne.begin(run: run)
        for id in run.changeIDs { try await oneByOne.record(runID: run.id, changeID: id, state: .planned, detail: nil) }
        #expect(try await batched.events(runID: "r")?.events == (try await oneByOne.events(runID: "r")?.events))
        #expect(try await batched.runs() == (try await oneByOne.runs()))
    }
}
