import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// `teamctl drift` on a team across two emulated facilities: a change made behind teamctl's back shows with its
/// facility and day, what teamctl applied does not, and the next plan says which change undoes it.
@Suite struct TeamDriftTests {
    @Test func anOutsideChangeShowsWithItsFacilityAndDayAndTeamctlsOwnDoNot() async throws {
        let two = try await TeamPlanTests.TwoFacilities.start()
        do {
            let apply = try await two.teamctl(["apply", "-f", "team.yaml", "--yes"])
            #expect(apply.status == 0, "\(apply.output)")
            let quiet = try await two.teamctl(["drift", "-f", "team.yaml", "--refresh"])
            #expect(quiet.status == 0, "\(quiet.output)")
            #expect(quiet.stdout.hasPrefix("No changes made outside teamctl at nersc, spin"), "\(quiet.output)")

            // Someone else takes hkim out of lumcal at nersc and adds kmensah, as a colleague in Iris would.
            try await two.nersc.changeGroupOutOfBand(
                "lumcal", action: "batch_remove", usernames: ["hkim"], token: "demo-pi")
            try await two.nersc.changeGroupOutOfBand(
                "lumcal", action: "batch_add", usernames: ["kmensah"], token: "demo-pi")
            let today = CalendarDay(utcDayOf: Date()).description
            let json = try await two.teamctl(["drift", "-f", "team.yaml", "--refresh", "--format", "json"])
            #expect(json.status == 0, "\(json.output)")
            let report = try JSONDecoder().decode(DriftReport.self, from: Data(json.stdout.utf8))
            #expect(report.facilities == ["nersc", "spin"])
            #expect(
                report.events.map { "\($0.facility) \($0.kind.rawValue) \($0.group ?? "-") \($0.user ?? "-")" }.sorted()
                    == ["nersc added-to-group lumcal kmensah", "nersc removed-from-group lumcal hkim"], "\(json.output)"
            )
            #expect(report.events.allSatisfy { $0.day == today })

            let text = try await two.teamctl(["drift", "-f", "team.yaml"])
            #expect(text.stdout.contains("2 changes made outside teamctl at nersc, spin"), "\(text.output)")
            #expect(text.stdout.contains("hkim removed from group lumcal"), "\(text.output)")
            let tomorrow = CalendarDay(daysSinceEpoch: CalendarDay(utcDayOf: Date()).daysSinceEpoch + 1)
            let later = try await two.teamctl(["drift", "-f", "team.yaml", "--since", tomorrow.description])
            #expect(later.stdout.hasPrefix("No changes made outside teamctl"), "\(later.output)")

            // The plan puts hkim back (lumcal is additive: kmensah stays) and says it undoes the outside change.
            let plan = try await two.teamctl(["plan", "-f", "team.yaml", "--no-refresh"])
            #expect(
                plan.stdout.contains(
                    "undoes a change made outside teamctl: hkim removed from group lumcal at nersc (first seen \(today))"
                ), "\(plan.output)")
            #expect(!plan.stdout.contains("kmensah added to group"), "\(plan.output)")

            // Applying it is teamctl's own change: drift still lists the two outside changes and nothing more.
            let reapply = try await two.teamctl(["apply", "-f", "team.yaml", "--yes"])
            #expect(reapply.status == 0, "\(reapply.output)")
            let after = try await two.teamctl(["drift", "-f", "team.yaml", "--refresh", "--format", "json"])
            let again = try JSONDecoder().decode(DriftReport.self, from: Data(after.stdout.utf8))
            #expect(again.events.count == 2, "\(after.output)")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }
}
