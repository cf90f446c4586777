import Foundation
import Testing

@testable import FacilityEmulator

@Suite("Emulator: /status and /tasks")
struct StatusAndTaskTests {
    @Test func statusNeedsNoTokenAndListsSystems() async throws {
        try await RunningEmulator.with { emulator in
            let all = try await emulator.api(.get, "/status").decoded([SFAPIWire.SystemStatus].self)
            #expect(all.map(\.name) == ["iris", "perlmutter"])
            let one = try await emulator.api(.get, "/status/perlmutter").decoded(SFAPIWire.SystemStatus.self)
            #expect(one.status == .degraded && one.notes == ["slow file system"])
            #expect(try await emulator.api(.get, "/status/nosuch").status == 404)
        }
    }

    @Test func outagesAndNotesAreGroupedBySystem() async throws {
        try await RunningEmulator.with { emulator in
            let all = try await emulator.api(.get, "/status/outages").decoded([[SFAPIWire.Outage]].self)
            #expect(all.map { $0.map(\.name) } == [["perlmutter", "perlmutter"], ["hpss"]])
            let planned = try await emulator.api(.get, "/status/outages/planned").decoded([[SFAPIWire.Outage]].self)
            #expect(planned.map { $0.map(\.status) } == [["Planned"], ["Planned"]])
            let perlmutter = try await emulator.api(.get, "/status/outages/perlmutter").decoded([SFAPIWire.Outage].self)
            #expect(perlmutter.count == 2)
            let plannedPerlmutter = try await emulator.api(.get, "/status/outages/planned/perlmutter").decoded(
                [SFAPIWire.Outage].self)
            #expect(plannedPerlmutter.map(\.description) == ["maintenance"])
            let notes = try await emulator.api(.get, "/status/notes").decoded([[EmulatorSeed.Note]].self)
            #expect(notes.first?.first?.notes == "scratch is slow")
            let perlmutterNotes = try await emulator.api(.get, "/status/notes/perlmutter").decoded(
                [EmulatorSeed.Note].self)
            #expect(perlmutterNotes.count == 1)
        }
    }

    @Test func tasksBelongToTheirOwnerAndCanBeCancelled() async throws {
        try await RunningEmulator.with { emulator in
            let list = try await emulator.api(.get, "/tasks", token: "dev-alice")
            let tasks = try list.decoded(SFAPIWire.TaskList.self).tasks
            #expect(tasks.map(\.id) == ["11", "12"])
            // `result` is always present, null when empty, as the Python client requires.
            #expect(String(decoding: list.body, as: UTF8.self).contains(#""result":null"#))
            #expect(
                try await emulator.api(.get, "/tasks/11", token: "dev-alice").decoded(SFAPIWire.FacilityTask.self)
                    .status
                    == "completed")
            #expect(try await emulator.api(.get, "/tasks/13", token: "dev-alice").status == 404)
            let cancelled = try await emulator.api(.delete, "/tasks/12", token: "dev-alice").decoded(
                SFAPIWire.FacilityTask.self)
            #expect(cancelled.status == "cancelled")
            #expect(try await emulator.api(.delete, "/tasks/13", token: "dev-alice").status == 404)
        }
    }
}
