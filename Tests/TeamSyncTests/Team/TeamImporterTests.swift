import AccountModels
import Foundation
import Testing

@testable import TeamSync

@Suite struct TeamImporterTests {
    @Test func peopleAreMatchedByUsernameAndTheRestListedAndTheResultResolves() throws {
        let nersc = ObservedState(
            facility: "nersc", caller: "ana", fetchedAt: 0,
            projects: ["m4812": ObservedProject(members: ["ana": .pi, "bo": nil, "cem": nil])])
        let frontier = ObservedState(
            facility: "frontier", caller: "root", fetchedAt: 0,
            projects: ["ast145": ObservedProject(members: ["ana": .pi, "bo": .member, "cemy": .member])])
        let result = TeamImporter.importTeam(
            name: "lumen",
            sources: [
                .init(facility: "nersc", project: "m4812", observed: nersc),
                .init(facility: "frontier", project: "ast145", observed: frontier),
            ], peopleFile: "people.yaml")
        #expect(result.unmatched == ["frontier: cemy", "nersc: cem"])
        #expect(result.count == 4)
        #expect(result.team.contains("  ana: {role: pi}\n") && result.team.contains("  bo: {}\n"))
        #expect(result.team.contains("  cem: {facilities: [nersc]}\n"))
        #expect(result.people.contains("    accounts: {frontier: ana, nersc: ana}\n"))
        // What it writes validates and resolves to the observed rosters.
        let folder = NSTemporaryDirectory() + "teamctl-import-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try result.people.write(toFile: folder + "/people.yaml", atomically: true, encoding: .utf8)
        try result.team.write(toFile: folder + "/team.yaml", atomically: true, encoding: .utf8)
        let (team, diagnostics) = TeamLoader.validate(
            path: folder + "/team.yaml", today: CalendarDay("2026-11-30")!, profiles: TeamFixture.profiles,
            profilesSource: "config.yaml")
        let resolved = try #require(team, "\(diagnostics)")
        let byName = Dictionary(uniqueKeysWithValues: resolved.facilities.map { ($0.name, $0.manifest.manifest) })
        #expect(Set(byName["nersc"]?.members.keys ?? [:].keys) == ["ana", "bo", "cem"])
        #expect(Set(byName["frontier"]?.members.keys ?? [:].keys) == ["ana", "bo", "cemy"])
        #expect(byName["nersc"]?.policy.protected == ["ana"])
    }
}
