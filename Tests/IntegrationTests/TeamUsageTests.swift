import AccountModels
import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

/// `teamctl usage -f team.yaml` through the built executable against two emulated SFAPI facilities (`nersc` and
/// `spin`, as in ``TeamPlanTests``): the SFAPI caller's own share is a per-person figure, so a PI over their own
/// limit at one facility is named, with their username there, and the run exits 4.
@Suite struct TeamUsageTests {
    @Test func aPersonOverTheirOwnLimitAtOneFacilityIsNamedAndTheRunExits4() async throws {
        let two = try await TeamPlanTests.TwoFacilities.start()
        do {
            let first = try await two.nersc.run(["usage", "-f", "team.yaml", "--refresh", "--warn-at", "80"])
            #expect(first.status == 0, "amorales has used 7.8% of her own CPU limit: \(first.output)")
            #expect(first.stdout.contains("== nersc: project m4812"), "\(first.output)")
            #expect(first.stdout.contains("== spin: project m4812"), "\(first.output)")
            #expect(first.stdout.contains("== By person =="), "\(first.output)")

            // A day's batch for amorales at nersc only: 1,954.5 + 19,000 of her own 25,000 hours is 83.8%.
            try await two.nersc.control(
                "usage", #"{"repo_name": "m4812", "user": "amorales", "cpu_hours": 19000}"#)
            let run = try await two.nersc.run([
                "usage", "-f", "team.yaml", "--refresh", "--warn-at", "80", "--format", "json",
            ])
            #expect(run.status == 4, "\(run.output)")
            #expect(
                run.stderr.contains(
                    "warning: ana (Ana Morales, amorales at nersc) has used 83.8% of their own CPU limit "
                        + "(21.0k of 25.0k hours), at or over the 80.0% threshold"), "\(run.output)")
            #expect(!run.stderr.contains("amorales at spin"), "spin saw no new hours: \(run.output)")

            let report = try TeamUsageRenderer.decodeJSON(Data(run.stdout.utf8))
            #expect(report.team == "lumen" && report.facilities.map(\.facility) == ["nersc", "spin"])
            #expect(report.facilities.allSatisfy { $0.personFigures == .caller && $0.report.snapshotCount == 2 })
            let ana = try #require(report.people.first { $0.person == "ana" })
            #expect(ana.facilities.map(\.username) == ["amorales", "amorales"])
            #expect(ana.facilities.first?.cpu.used == 20_954.5 && ana.facilities.first?.cpu.limit == 25_000)
            let total = try #require(ana.totals.first { $0.resource == .cpu })
            #expect(total.used == 20_954.5 + 1_954.5 && total.limit == 50_000)
            // bo, hana and cem have no figures: SFAPI shows only the caller's own share.
            #expect(report.membersWithoutFigures == ["bo", "cem", "hana"])

            // Narrowed to spin, no one is over: exit 0. The other formats read the same cache.
            let spin = try await two.nersc.run(["usage", "-f", "team.yaml", "--facility", "spin", "--warn-at", "80"])
            #expect(spin.status == 0 && !spin.stdout.contains("== nersc"), "\(spin.output)")
            let csv = try await two.nersc.run(["usage", "-f", "team.yaml", "--format", "csv"])
            #expect(csv.status == 0, "\(csv.output)")
            #expect(csv.stdout.hasPrefix(TeamUsageRenderer.csvColumns.joined(separator: ",")), "\(csv.output)")
            #expect(csv.stdout.contains("ana,Ana Morales,true,nersc,m4812,amorales,cpu,20954.5,25000,"))
            let html = try await two.nersc.run(["usage", "-f", "team.yaml", "--format", "html", "--out", "u.html"])
            #expect(html.status == 0, "\(html.output)")
            let page = try String(contentsOfFile: two.nersc.path("u.html"), encoding: .utf8)
            #expect(page.contains("<table class=\"people\">") && page.contains("By person"))

            // Single-facility usage is unchanged, and the team's options are refused where they make no sense.
            let single = try await two.nersc.run(["usage", "--project", "m4812"])
            #expect(single.status == 0 && single.stdout.contains("Usage for nersc"), "\(single.output)")
            let both = try await two.nersc.run(["usage", "-f", "team.yaml", "--project", "m4812"])
            #expect(both.status == 1 && both.stderr.contains("drop --project"), "\(both.output)")
            let stray = try await two.nersc.run(["usage", "--facility", "spin"])
            #expect(
                stray.status == 64 && stray.stderr.contains("--facility narrows a team manifest"), "\(stray.output)")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }
}
