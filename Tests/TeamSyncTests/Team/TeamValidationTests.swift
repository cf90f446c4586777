import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// A broken people file or team manifest (version 2) and the diagnostic it must give: which file, where, what.
struct BrokenTeam: CustomTestStringConvertible, Sendable {
    enum File: String, Sendable { case people, team }

    var name: String
    var people: String = TeamFixture.people
    var team: String = TeamFixture.team
    var file: File
    var line: Int
    var column: Int
    var message: String
    var hint: String? = nil

    var testDescription: String { name }
}

/// A valid two-facility team to break: nersc (SFAPI) and frontier (Slurm).
enum TeamFixture {
    static let people = """
        version: 1
        people:
          ana:
            name: Ana Morales
            email: ana@example.org
            orcid: 0000-0002-1825-0097
            accounts: {nersc: amorales, frontier: amoral}
          bo:
            name: Bo Chen
            accounts: {nersc: bchen, frontier: bochen}
          cem:
            name: Cem Yilmaz
            accounts:
              nersc: cyilmaz
              frontier: cyilmaz
        """ + "\n"

    static let team = """
        version: 2
        team: lumen
        people: people.yaml
        facilities:
          nersc:
            project: m4812
            groups:
              lumcal: {members: [ana, bo]}
          frontier:
            project: ast145
            permissions:
              premium: [ana]
        members:
          ana: {role: pi}
          bo: {}
          cem: {facilities: [nersc]}
        policy:
          protected: [ana]
        """ + "\n"

    static let profiles: [String: FacilityTraits] = [
        "nersc": ProviderFactory.traits(provider: nil), "frontier": ProviderFactory.traits(provider: "slurm"),
    ]

    /// Writes both files into a fresh folder and validates the team there.
    static func validate(
        people: String = people, team: String = team, profiles: [String: FacilityTraits] = profiles,
        only: Set<String>? = nil, today: CalendarDay = CalendarDay("2026-11-30")!
    ) throws -> (team: ResolvedTeam?, diagnostics: [Diagnostic], folder: String) {
        let folder = NSTemporaryDirectory() + "teamctl-team-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try people.write(toFile: folder + "/people.yaml", atomically: true, encoding: .utf8)
        try team.write(toFile: folder + "/team.yaml", atomically: true, encoding: .utf8)
        let (resolved, diagnostics) = TeamLoader.validate(
            path: folder + "/team.yaml", today: today, profiles: profiles, profilesSource: "config.yaml", only: only)
        return (resolved, diagnostics, folder)
    }
}

private func replacing(_ text: String, _ old: String, _ new: String) -> String {
    precondition(text.contains(old), "the fixture has no '\(old)'")
    return text.replacingOccurrences(of: old, with: new)
}

let brokenTeams: [BrokenTeam] = [
    // The people file.
    BrokenTeam(
        name: "people: a username claimed by two people",
        people: replacing(TeamFixture.people, "frontier: bochen", "frontier: amoral"), file: .people, line: 10,
        column: 40, message: "username 'amoral' at frontier is also claimed by 'ana'",
        hint: "a username belongs to one person; 'ana' has it at line 7"),
    BrokenTeam(
        name: "people: a person without a name",
        people: replacing(TeamFixture.people, "    name: Bo Chen\n", ""), file: .people, line: 9, column: 5,
        message: "person 'bo' has no 'name'", hint: "add 'name: Full Name'"),
    BrokenTeam(
        name: "people: a bad ORCID check digit",
        people: replacing(TeamFixture.people, "0000-0002-1825-0097", "0000-0002-1825-0098"), file: .people, line: 6,
        column: 12, message: "'0000-0002-1825-0098' is not a valid ORCID iD"),
    BrokenTeam(
        name: "people: an email without @",
        people: replacing(TeamFixture.people, "ana@example.org", "ana.example.org"), file: .people, line: 5,
        column: 12, message: "'ana.example.org' is not an email address"),
    BrokenTeam(
        name: "people: an invalid username",
        people: replacing(TeamFixture.people, "nersc: cyilmaz", "nersc: Cem Y"), file: .people, line: 14, column: 14,
        message: "'Cem Y' is not a valid username"),
    BrokenTeam(
        name: "people: a misspelt key",
        people: replacing(TeamFixture.people, "    accounts: {nersc: bchen", "    acounts: {nersc: bchen"),
        file: .people, line: 10, column: 5, message: "unknown key 'acounts'", hint: "did you mean 'accounts'?"),
    BrokenTeam(
        name: "people: a bad date",
        people: replacing(TeamFixture.people, "    name: Bo Chen\n", "    name: Bo Chen\n    until: 2027-02-30\n"),
        file: .people, line: 10, column: 12, message: "'2027-02-30' is not a valid date"),
    // The team manifest.
    BrokenTeam(
        name: "team: an unknown person", team: replacing(TeamFixture.team, "  bo: {}\n", "  bo: {}\n  dan: {}\n"),
        file: .team, line: 16, column: 3, message: "'dan' is not in the people file"),
    BrokenTeam(
        name: "team: a member with no username at a facility",
        people: replacing(TeamFixture.people, "{nersc: bchen, frontier: bochen}", "{nersc: bchen}"), file: .team,
        line: 15, column: 3, message: "'bo' has no username at frontier"),
    BrokenTeam(
        name: "team: a facility that is not a profile",
        team: replacing(TeamFixture.team, "  frontier:\n", "  frontiers:\n"), file: .team, line: 9, column: 3,
        message: "facility 'frontiers' is not a profile"),
    BrokenTeam(
        name: "team: groups scoped to a back end without groups",
        team: replacing(
            TeamFixture.team, "    project: ast145\n", "    project: ast145\n    groups:\n      astg: {members: all}\n"),
        file: .team, line: 11, column: 5, message: "groups at frontier: the slurm back end of frontier has no groups"),
    BrokenTeam(
        name: "team: a member's facility that the team lacks",
        team: replacing(TeamFixture.team, "facilities: [nersc]", "facilities: [nersc, olcf]"), file: .team, line: 16,
        column: 29, message: "'olcf' in 'facilities' of 'cem' is not a facility of the team"),
    BrokenTeam(
        name: "team: a scoped permission for someone not at that facility",
        team: replacing(TeamFixture.team, "premium: [ana]", "premium: [ana, cem]"), file: .team, line: 12,
        column: 22, message: "'cem' in permission 'premium' at frontier is not on frontier"),
    BrokenTeam(
        name: "team: a group member who is not in the team",
        team: replacing(TeamFixture.team, "members: [ana, bo]", "members: [ana, zed]"), file: .team, line: 8,
        column: 31, message: "'zed' in group 'lumcal' is not in the members roster"),
    BrokenTeam(
        name: "team: a facility without a project",
        team: replacing(TeamFixture.team, "    project: ast145\n", ""), file: .team, line: 9, column: 3,
        message: "facility 'frontier' has no 'project'"),
    BrokenTeam(
        name: "team: version 1 keys in a version 2 file",
        team: replacing(TeamFixture.team, "team: lumen\n", "project: m4812\n"), file: .team, line: 2, column: 1,
        message: "unknown key 'project'"),
    BrokenTeam(
        name: "team: the people file is missing",
        team: replacing(TeamFixture.team, "people: people.yaml", "people: folks.yaml"), file: .team, line: 3,
        column: 9, message: "cannot read the people file"),
    BrokenTeam(
        name: "team: settings at a facility for someone not in the team",
        team: replacing(
            TeamFixture.team, "      premium: [ana]\n", "      premium: [ana]\n    members:\n      zed: {role: pi}\n"),
        file: .team, line: 14, column: 7, message: "'zed' has settings at frontier but is not in the team's members"),
    BrokenTeam(
        name: "team: an unknown role",
        team: replacing(TeamFixture.team, "ana: {role: pi}", "ana: {role: boss}"), file: .team, line: 14, column: 15,
        message: "unknown role 'boss'"),
]

@Suite struct TeamValidationTests {
    @Test(arguments: brokenTeams)
    func reportsTheProblemWhereItIs(_ broken: BrokenTeam) throws {
        let (team, diagnostics, folder) = try TeamFixture.validate(people: broken.people, team: broken.team)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(team == nil, "a broken team must not resolve")
        let file = folder + "/" + (broken.file == .people ? "people.yaml" : "team.yaml")
        let found = diagnostics.first { $0.severity == .error && $0.message.contains(broken.message) }
        let diagnostic = try #require(found, "no error '\(broken.message)' in \(diagnostics.map(\.description))")
        #expect(diagnostic.file == file)
        #expect(diagnostic.line == broken.line && diagnostic.column == broken.column, "\(diagnostic)")
        if let hint = broken.hint { #expect(diagnostic.hint == hint) }
    }

    @Test func theFixtureResolvesToOneManifestPerFacility() throws {
        let (team, diagnostics, folder) = try TeamFixture.validate()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let resolved = try #require(team)
        #expect(resolved.facilities.map(\.name) == ["frontier", "nersc"])
        let frontier = try #require(resolved.facilities.first { $0.name == "frontier" }).manifest.manifest
        let nersc = try #require(resolved.facilities.first { $0.name == "nersc" }).manifest.manifest
        // Usernames per facility; cem is at nersc only; groups only where the back end has them.
        #expect(Set(frontier.members.keys) == ["amoral", "bochen"])
        #expect(Set(nersc.members.keys) == ["amorales", "bchen", "cyilmaz"])
        #expect(frontier.members["amoral"]?.role == .pi && frontier.facility == "frontier")
        #expect(frontier.project == "ast145" && nersc.project == "m4812")
        #expect(frontier.groups.isEmpty && nersc.groups["lumcal"]?.members == .list(["amorales", "bchen"]))
        #expect(frontier.permissions == ["premium": ["amoral"]] && nersc.permissions.isEmpty)
        #expect(frontier.policy.protected == ["amoral"] && nersc.policy.protected == ["amorales"])
    }

    @Test func aPersonsEndEndsThemEverywhereAndTheEarlierEndWins() throws {
        let people = replacing(TeamFixture.people, "    name: Bo Chen\n", "    name: Bo Chen\n    until: 2026-10-31\n")
        let team = replacing(TeamFixture.team, "ana: {role: pi}", "ana: {role: pi, until: 2027-01-31}")
        let (resolved, diagnostics, folder) = try TeamFixture.validate(people: people, team: team)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try #require(resolved, "\(diagnostics)")
        for facility in result.facilities {
            let bo = try #require(facility.usernames["bo"])
            #expect(facility.manifest.manifest.members[bo]?.until == CalendarDay("2026-10-31"))
            #expect(!facility.manifest.manifest.activeMembers(on: CalendarDay("2026-11-30")!).contains(bo))
            #expect(facility.manifest.manifest.members[facility.usernames["ana"]!]?.until == CalendarDay("2027-01-31"))
        }
        #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains("'bo' left on 2026-10-31") })
    }

    @Test func facilityOverridesWinOverTeamWideSettings() throws {
        let team = replacing(
            TeamFixture.team, "      premium: [ana]\n",
            "      premium: [ana]\n    limits: {cpu_hours: 900}\n    members:\n      bo: {role: pi_proxy, limits: {cpu_hours: 50}}\n"
        )
        .replacingOccurrences(of: "  bo: {}\n", with: "  bo: {limits: {cpu_hours: 10, gpu_hours: 5}}\n")
        .replacingOccurrences(of: "policy:\n", with: "limits: {cpu_hours: 100, gpu_hours: 7}\npolicy:\n")
        let (resolved, diagnostics, folder) = try TeamFixture.validate(team: team)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try #require(resolved, "\(diagnostics)")
        let frontier = try #require(result.facilities.first { $0.name == "frontier" }).manifest.manifest
        let nersc = try #require(result.facilities.first { $0.name == "nersc" }).manifest.manifest
        #expect(frontier.members["bochen"]?.role == .piProxy && nersc.members["bchen"]?.role == .member)
        #expect(frontier.members["bochen"]?.limits == [.cpuHours: .hours(50), .gpuHours: .hours(5)])
        #expect(nersc.members["bchen"]?.limits == [.cpuHours: .hours(10), .gpuHours: .hours(5)])
        #expect(frontier.limits == [.cpuHours: .hours(900), .gpuHours: .hours(7)])
        #expect(nersc.limits == [.cpuHours: .hours(100), .gpuHours: .hours(7)])
    }

    @Test func facilityNarrowsTheRunAndAnUnknownOneIsAnError() throws {
        let (narrowed, _, folder) = try TeamFixture.validate(only: ["nersc"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(narrowed?.facilities.map(\.name) == ["nersc"])
        let (unknown, diagnostics, other) = try TeamFixture.validate(only: ["olcf"])
        defer { try? FileManager.default.removeItem(atPath: other) }
        #expect(unknown == nil)
        #expect(diagnostics.contains { $0.message.contains("--facility olcf: the team has no facility 'olcf'") })
    }

    @Test func theExampleResolves() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let (team, diagnostics) = TeamLoader.validate(
            path: root.appendingPathComponent("examples/multi/team.yaml").path, today: CalendarDay("2026-11-30")!,
            profiles: TeamFixture.profiles, profilesSource: "config.yaml")
        #expect(diagnostics.allSatisfy { $0.severity == .warning }, "\(diagnostics)")
        let resolved = try #require(team)
        #expect(resolved.facilities.map(\.name) == ["frontier", "nersc"])
        #expect(resolved.facilities.allSatisfy { $0.manifest.manifest.members.count >= 30 })
    }
}
