import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The team usage report from fake per-facility figures: who each username is, their own limits, totals, who is over
/// their limit, and usernames that are no one's in the team.
struct TeamUsageReportTests {
    static let people = """
        version: 1
        people:
          ana: {name: Ana Morales, accounts: {nersc: amorales, frontier: amoral}}
          can: {name: Can Yilmaz, accounts: {nersc: cyilmaz, frontier: cyil}}
          bo: {name: Bo Chen, accounts: {nersc: bchen, frontier: bochen}}
          dee: {name: Dee Park, accounts: {nersc: dpark}}
          nobi: {name: Ngozi Obi, accounts: {frontier: nobi}}

        """

    static let team = """
        version: 2
        team: lumen
        people: people.yaml
        facilities:
          nersc: {project: m4812}
          frontier: {project: ast145}
        members:
          ana: {role: pi}
          can: {}
          bo: {}
          dee: {facilities: [nersc]}

        """

    /// The team resolved against a NERSC (SFAPI) and a `frontier` (Slurm) profile.
    static func resolvedTeam(only: Set<String>? = nil) throws -> ResolvedTeam {
        let today = try #require(CalendarDay("2026-11-30"))
        let (team, teamDiagnostics) = ManifestParser.parseTeam(
            Self.team, file: "team.yaml", today: today, limits: .standard)
        let (people, peopleDiagnostics) = ManifestParser.parsePeople(
            Self.people, file: "people.yaml", today: today, limits: .standard)
        let loadedTeam = try #require(team, "\(teamDiagnostics)")
        let loadedPeople = try #require(people, "\(peopleDiagnostics)")
        let all = Set(ProviderCapabilities.Aspect.allCases)
        let (resolved, diagnostics) = TeamResolver.resolve(
            team: loadedTeam, people: loadedPeople,
            profiles: [
                "nersc": FacilityTraits(provider: "sfapi", holds: all),
                "frontier": FacilityTraits(provider: "slurm", holds: all.subtracting([.groups])),
            ], profilesSource: "config.yaml", only: only)
        return try #require(resolved, "\(diagnostics)")
    }

    /// NERSC through SFAPI: the project's figures and the caller's (amorales') own share, on 20 and 30 November.
    static func nersc() throws -> [UsageObservation] {
        try [("2026-11-20", 10_000.0, 200_000.0), ("2026-11-30", 12_000, 240_000)].map { day, callerUsed, used in
            UsageObservation(
                fetchedAt: try UsageHistory.time(day), facility: "nersc", caller: "amorales",
                projects: [
                    .init(
                        name: "m4812", callerRole: "PI",
                        cpu: .init(
                            projectGiven: 250_000, projectUsed: used, callerGiven: 25_000, callerUsed: callerUsed),
                        gpu: .init(projectGiven: 60_000, projectUsed: 900, callerGiven: 6_000, callerUsed: 100)),
                    // Another project the caller is in: not the team's, so not reported.
                    .init(name: "m4999", cpu: .init(projectGiven: 10, projectUsed: 10), gpu: .init()),
                ])
        }
    }

    /// `frontier` through Slurm: every association's own hours; cyil is near her own limit and climbing, bochen shows
    /// up in the newest snapshot only, nobi is in the people file but not the team, ghost is known to no one.
    static func frontier() throws -> [UsageObservation] {
        let older: [UsageObservation.Member] = [
            .init(user: "amoral", cpuUsed: 400), .init(user: "cyil", cpuUsed: 800, cpuLimit: 1_000),
        ]
        let newer: [UsageObservation.Member] = [
            .init(user: "amoral", cpuUsed: 500), .init(user: "cyil", cpuUsed: 920, cpuLimit: 1_000),
            .init(user: "bochen", cpuUsed: 100, gpuUsed: 10, gpuLimit: 100), .init(user: "nobi", cpuUsed: 50),
            .init(user: "ghost", cpuUsed: 30),
        ]
        return try [("2026-11-20", older), ("2026-11-30", newer)].map { day, members in
            UsageObservation(
                fetchedAt: try UsageHistory.time(day), facility: "frontier", caller: "root",
                projects: [
                    .init(
                        name: "ast145",
                        cpu: .init(projectGiven: 60_000, projectUsed: members.compactMap(\.cpuUsed).reduce(0, +)),
                        gpu: .init(projectGiven: 2_000, projectUsed: 10), members: members)
                ])
        }
    }

    static func report(warnAt: Double? = 80, only: Set<String>? = nil) throws -> TeamUsageReport {
        TeamUsageReport.build(
            team: try resolvedTeam(only: only), histories: ["nersc": try nersc(), "frontier": try frontier()],
            now: try UsageHistory.date("2026-11-30", hour: 12), warnAt: warnAt)
    }

    @Test func eachFacilityKeepsItsOwnReportForTheTeamsProjectOnly() throws {
        let report = try Self.report()
        #expect(report.kind == "team" && report.team == "lumen")
        #expect(report.facilities.map(\.facility) == ["frontier", "nersc"])
        let nersc = try #require(report.facilities.last)
        #expect(nersc.project == "m4812" && nersc.report.projects.map(\.project) == ["m4812"])
        #expect(nersc.personFigures == .caller)
        #expect(report.facilities.first?.personFigures == .members)
        #expect(nersc.report.snapshotCount == 2)
    }

    @Test func aPersonIsFoundAtEachFacilityByTheirUsernameThere() throws {
        let report = try Self.report()
        let ana = try #require(report.people.first { $0.person == "ana" })
        #expect(ana.name == "Ana Morales" && ana.inTeam)
        #expect(ana.facilities.map(\.facility) == ["frontier", "nersc"])
        #expect(ana.facilities.map(\.username) == ["amoral", "amorales"])
        // NERSC's figure is the caller's own share: amorales is the caller.
        let atNersc = try #require(ana.facilities.last)
        #expect(atNersc.cpu.used == 12_000 && atNersc.cpu.limit == 25_000)
        #expect(abs((atNersc.cpu.percentOfLimit ?? 0) - 48) < 1e-9)
        #expect(atNersc.gpu.used == 100 && atNersc.gpu.limit == 6_000)
        // Added up over the facilities, CPU and GPU apart; frontier sets her no limit, so there is no total limit.
        let cpu = try #require(ana.totals.first { $0.resource == .cpu })
        #expect(cpu.used == 12_500 && cpu.limit == nil && cpu.percentOfLimit == nil)
        let gpu = try #require(ana.totals.first { $0.resource == .gpu })
        #expect(gpu.used == 100 && gpu.limit == 6_000)
    }

    @Test func aPersonOverTheirOwnLimitAtOneFacilityIsAWarningNamingThem() throws {
        let report = try Self.report()
        #expect(report.exitCode == ExitStatus.usageAlert)
        let personal = report.warnings.filter { $0.person != nil || $0.username != nil }
        #expect(personal.count == 1, "\(report.warnings.map(\.message))")
        let warning = try #require(personal.first)
        #expect(warning.person == "can" && warning.username == "cyil" && warning.facility == "frontier")
        #expect(warning.subject == "cpu" && warning.kind == .overThreshold)
        #expect(
            warning.message
                == "can (Can Yilmaz, cyil at frontier) has used 92.0% of their own CPU limit (920 of 1.0k hours), "
                + "at or over the 80.0% threshold")
        // The facility's own line about cyil's limit is not repeated without her name.
        #expect(!report.warnings.contains { $0.message.hasPrefix("frontier: ast145: cyil") })
    }

    @Test func facilityWarningsAreKeptPrefixedByTheFacility() throws {
        let report = try Self.report()
        let facility = report.warnings.filter { $0.username == nil }
        // m4812 is at 96% of its CPU hours, and at 4,000 a day its last 10,000 run out on 2 December.
        #expect(facility.map(\.facility) == ["nersc", "nersc"], "\(report.warnings.map(\.message))")
        #expect(facility.first?.message.hasPrefix("nersc: m4812: CPU at 96.0% of its allocation") == true)
        #expect(facility.last?.message.hasPrefix("nersc: m4812: CPU projected to run out on 2026-12-02") == true)
    }

    @Test func noThresholdNoWarnings() throws {
        let report = try Self.report(warnAt: nil)
        #expect(report.warnings.isEmpty && report.exitCode == 0)
    }

    @Test func usernamesOfNoOneInTheTeamAreListedNotDropped() throws {
        let report = try Self.report()
        let strangers = report.people.filter { !$0.inTeam }
        #expect(strangers.count == 2)
        // In the people file but not a member: named, and marked as not in the team.
        let nobi = try #require(strangers.first { $0.person == "nobi" })
        #expect(nobi.name == "Ngozi Obi" && nobi.facilities.first?.memberHere == false)
        // Known to no one: the username and facility only.
        let ghost = try #require(strangers.first { $0.person == nil })
        #expect(ghost.facilities.map(\.username) == ["ghost"] && ghost.facilities.first?.cpu.used == 30)
        // Members come first, then the rest.
        #expect(report.people.map(\.inTeam) == [true, true, true, false, false])
    }

    @Test func teamTotalsAddUpEveryoneAndKeepCPUAndGPUApart() throws {
        let report = try Self.report()
        let cpu = try #require(report.totals.first { $0.resource == .cpu })
        #expect(cpu.used == 12_000 + 500 + 920 + 100 + 50 + 30)
        let gpu = try #require(report.totals.first { $0.resource == .gpu })
        #expect(gpu.used == 100 + 10)
        #expect(gpu.limit == 6_100.0)
    }

    @Test func burnAndRunOutOfAPersonsOwnLimitNeedTwoSnapshots() throws {
        let report = try Self.report()
        let can = try #require(report.people.first { $0.person == "can" }?.facilities.first)
        let burn = try #require(can.cpu.burn)
        // 800 to 920 over ten days: 12 hours a day; 80 left run out six and two thirds days after 30 November.
        #expect(abs(burn.hoursPerDay - 12) < 1e-9 && can.cpu.burnBasis == .window)
        #expect(can.cpu.runOutDay == CalendarDay("2026-12-06"))
        #expect(can.snapshots == 2)
        let bo = try #require(report.people.first { $0.person == "bo" }?.facilities.first)
        #expect(bo.snapshots == 1 && bo.cpu.burn == nil && bo.cpu.burnBasis == BurnBasis.none)
        #expect(abs((bo.gpu.percentOfLimit ?? 0) - 10) < 1e-9)
    }

    @Test func membersWithoutAnyFigureAreNamed() throws {
        let report = try Self.report()
        // dee is at NERSC only, where SFAPI gives only the caller's own share.
        #expect(report.membersWithoutFigures == ["dee"])
    }

    @Test func aFacilityWithoutFiguresSaysSo() throws {
        let report = TeamUsageReport.build(
            team: try Self.resolvedTeam(), histories: ["frontier": try Self.frontier()],
            now: try UsageHistory.date("2026-11-30", hour: 12))
        let nersc = try #require(report.facilities.first { $0.facility == "nersc" })
        #expect(nersc.report.snapshotCount == 0 && nersc.personFigures == .none)
        #expect(nersc.notes.contains { $0.contains("no usage figures of nersc") })
    }

    @Test func narrowedToOneFacility() throws {
        let report = try Self.report(only: ["nersc"])
        #expect(report.facilities.map(\.facility) == ["nersc"])
        #expect(report.people.map(\.person) == ["ana"])
        #expect(report.membersWithoutFigures == ["bo", "can", "dee"])
    }

    // MARK: - rendering

    @Test func theTableHasASectionPerFacilityAndByPersonWithATotal() throws {
        let text = TeamUsageRenderer.table(try Self.report())
        #expect(text.contains("== frontier: project ast145 (each member's own hours) =="), "\(text)")
        #expect(text.contains("== nersc: project m4812 (per person: the caller's own share only) =="), "\(text)")
        #expect(text.contains("== By person =="))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("TOTAL") && $0.contains("CPU") && $0.contains("13.6k") }, "\(text)")
        #expect(lines.contains { $0.contains("ghost") && $0.contains("not in the team") })
        #expect(lines.contains { $0.contains("all facilities") && $0.contains("12.5k") })
        #expect(text.contains("warning: can (Can Yilmaz, cyil at frontier) has used 92.0%"))
        // Each warning once: the facility tables do not repeat them.
        #expect(text.components(separatedBy: "CPU at 96.0% of its allocation").count == 2, "\(text)")
        #expect(text.contains("note: 1 member has no per-person figures at any facility"))
    }

    @Test func csvHasOneRowPerPersonFacilityAndResource() throws {
        let csv = TeamUsageRenderer.csv(try Self.report())
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.first == TeamUsageRenderer.csvColumns.joined(separator: ","))
        // ana: frontier cpu, nersc cpu and gpu; can: cpu; bo: cpu, gpu; nobi: cpu; ghost: cpu.
        #expect(rows.count == 1 + 3 + 1 + 2 + 1 + 1, "\(csv)")
        let can = try #require(rows.first { $0.hasPrefix("can,") }).split(separator: ",").map(String.init)
        #expect(can.count == TeamUsageRenderer.csvColumns.count)
        #expect(Array(can[0...8]) == ["can", "Can Yilmaz", "true", "frontier", "ast145", "cyil", "cpu", "920", "1000"])
        #expect(abs((Double(can[9]) ?? 0) - 92) < 1e-9 && Double(can[10]) == 12)
        #expect(Array(can[11...]) == ["window", "2026-12-06", "false", "2026-11-30T00:00:00Z", "2"])
        #expect(rows.contains { $0.hasPrefix(",,false,frontier,ast145,ghost,cpu,30,") })
    }

    @Test func jsonRoundTripsAndRefusesUnknownVersions() throws {
        let report = try Self.report()
        let text = try TeamUsageRenderer.json(report)
        #expect(try TeamUsageRenderer.decodeJSON(Data(text.utf8)) == report)
        #expect(text.contains("\"kind\" : \"team\""))
        let future = text.replacingOccurrences(of: "\"schemaVersion\" : 1,", with: "\"schemaVersion\" : 99,")
        #expect(throws: DecodingError.self) { try TeamUsageRenderer.decodeJSON(Data(future.utf8)) }
    }

    @Test func htmlSectionIsAFragmentWithThePeopleTableAndCharts() throws {
        let report = try Self.report()
        let fragment = TeamUsageRenderer.htmlSection(report)
        #expect(!fragment.contains("<html") && !fragment.contains("<style"))
        #expect(fragment.contains("<table class=\"people\">") && fragment.contains("<svg class=\"people-chart\""))
        #expect(fragment.contains("<tr class=\"warn\">") && fragment.contains("class=\"total\""))
        // The facilities' own sections are the page's, not the fragment's: a team page shows its own.
        #expect(!fragment.contains("class=\"team-facility\"") && !fragment.contains("<svg class=\"chart\""))
        let page = TeamUsageRenderer.html(report)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains(fragment))
        // Each facility's project chart, with ids unique in the page.
        #expect(page.contains("id=\"chart-1000-title\"") && page.contains("id=\"chart-1100-title\""))
        #expect(TeamUsageRenderer.stylesheet.hasSuffix(TeamUsageRenderer.peopleStylesheet))
        #expect(page.contains("<div class=\"warnings\"><h2>3 warnings</h2>"))
        #expect(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"))
    }
}
