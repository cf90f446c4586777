import FacilityEmulator
import Foundation
import Testing

@testable import TeamSync

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A team (manifest version 2) on two SFAPI facilities, each its own emulator, through the built `teamctl`: the plan's
/// sections and formats, `--facility`, a facility that cannot be read, and a saved team plan refused as a whole when
/// one facility moved. (The same with a real Slurm stack is in SlurmTests/TeamAcrossFacilitiesTests.)
@Suite struct TeamPlanTests {
    /// Two emulators of the example facility: `nersc` (group lumcal managed there) and `spin` (group lumana there).
    struct TwoFacilities {
        let nersc: TeamctlHarness
        let spin: EmulatorServer

        static func start() async throws -> TwoFacilities {
            let nersc = try await TeamctlHarness.examples()
            let seed = try EmulatorSeed.load(path: TeamctlHarness.repoPath("examples/facility.yaml"))
            let spin = try await EmulatorServer.start(seed: seed)
            let two = TwoFacilities(nersc: nersc, spin: spin)
            try two.writeConfig()
            try nersc.write(
                "people.yaml",
                """
                version: 1
                people:
                  ana: {name: Ana Morales, accounts: {nersc: amorales, spin: amorales}}
                  bo: {name: Bo Chen, accounts: {nersc: bchen, spin: bchen}}
                  hana: {name: Hana Kim, accounts: {nersc: hkim, spin: hkim}}
                  cem: {name: Cem Yilmaz, accounts: {nersc: cyilmaz, spin: cyilmaz}, until: 2026-09-30}

                """)
            try nersc.write(
                "team.yaml",
                """
                version: 2
                team: lumen
                people: people.yaml
                facilities:
                  nersc:
                    project: m4812
                    groups:
                      lumcal: {members: [ana, bo, hana], mode: additive}
                  spin:
                    project: m4812
                    groups:
                      lumana: {members: [ana, bo, hana], mode: additive}
                      lumrel: {members: [ana, bo]}
                members:
                  ana: {role: pi}
                  bo: {}
                  hana: {}
                  cem: {}

                """)
            return two
        }

        func writeConfig(spinURL: URL? = nil) throws {
            let spinAPI = spinURL ?? spin.apiBaseURL
            try FileManager.default.createDirectory(
                atPath: nersc.directory + "/home/.config/teamctl", withIntermediateDirectories: true)
            try """
            profiles:
              nersc:
                api_url: \(nersc.server.apiBaseURL.absoluteString)
                token_url: \(nersc.server.tokenURL.absoluteString)
              spin:
                api_url: \(spinAPI.absoluteString)
                token_url: \(spin.tokenURL.absoluteString)

            """.write(toFile: nersc.directory + "/home/.config/teamctl/config.yaml", atomically: true, encoding: .utf8)
        }

        func teamctl(_ arguments: [String]) async throws -> TeamctlRun {
            try await nersc.run(arguments + ["--today", "2026-11-30"])
        }

        func shutdown() async {
            await spin.shutdown()
            await nersc.shutdown()
        }
    }

    @Test func onePlanShowsBothFacilitiesInEveryFormat() async throws {
        let two = try await TwoFacilities.start()
        do {
            let text = try await two.teamctl(["plan", "-f", "team.yaml", "--detailed-exitcode"])
            #expect(text.status == 2, "\(text.output)")
            #expect(text.stdout.contains("== nersc: project m4812 (sfapi) =="), "\(text.output)")
            #expect(text.stdout.contains("== spin: project m4812 (sfapi) =="), "\(text.output)")
            #expect(text.stdout.contains("~ group lumcal") && text.stdout.contains("~ group lumrel"), "\(text.output)")
            #expect(text.stdout.contains("Total over 2 facilities:"), "\(text.output)")

            let json = try await two.teamctl(["plan", "-f", "team.yaml", "--format", "json"])
            let plan = try TeamPlan.load(from: Data(json.stdout.utf8))
            #expect(plan.team == "lumen" && plan.facilities.map(\.basis.facility) == ["nersc", "spin"])
            // cem's membership ended: removed from the groups at both facilities.
            #expect(plan.plan(for: "nersc")?.changes.contains { $0.usernames.contains("hkim") } == true)
            #expect(plan.plan(for: "spin")?.changes.contains { $0.group == "lumrel" } == true)
            #expect(plan.detailedExitStatus == 2)

            let markdown = try await two.teamctl(["plan", "-f", "team.yaml", "--format", "markdown"])
            #expect(markdown.stdout.hasPrefix("## teamctl plan for team lumen"), "\(markdown.output)")
            #expect(markdown.stdout.contains("### nersc: project m4812") && markdown.stdout.contains("### spin:"))

            let narrowed = try await two.teamctl(["plan", "-f", "team.yaml", "--facility", "spin"])
            #expect(
                narrowed.stdout.contains("== spin:") && !narrowed.stdout.contains("== nersc:"), "\(narrowed.output)")

            let refresh = try await two.nersc.run(["refresh", "-f", "team.yaml"])
            #expect(refresh.status == 0, "\(refresh.output)")
            #expect(refresh.stdout.contains("refreshed nersc as amorales") && refresh.stdout.contains("refreshed spin"))
            let person = try await two.teamctl(["person", "hana", "-f", "team.yaml"])
            #expect(person.stdout.contains("nersc (project m4812) as hkim: to change"), "\(person.output)")
            #expect(person.stdout.contains("spin (project m4812) as hkim: to change"), "\(person.output)")

            let flags = try await two.teamctl(["plan", "-f", "team.yaml", "--api-url", "https://example.org/api"])
            #expect(flags.status == 1 && flags.stderr.contains("--api-url name one facility's connection"))
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }

    @Test func aFacilityThatCannotBeReadIsReportedAndTheOtherIsApplied() async throws {
        let two = try await TwoFacilities.start()
        do {
            // spin's profile now names a path its server does not serve (a closed port would be retried for two
            // minutes first, as a facility restarting should be).
            try two.writeConfig(spinURL: two.spin.baseURL.appendingPathComponent("moved/api/v1.2"))
            let plan = try await two.teamctl(["plan", "-f", "team.yaml", "--detailed-exitcode"])
            #expect(plan.status == 1, "\(plan.output)")
            #expect(plan.stdout.contains("== nersc: project m4812 (sfapi) =="), "\(plan.output)")
            #expect(plan.stdout.contains("could not read spin"), "\(plan.output)")

            let apply = try await two.teamctl(["apply", "-f", "team.yaml", "--yes"])
            #expect(apply.status == 1, "\(apply.output)")
            #expect(apply.stdout.contains("Team: failed at spin"), "\(apply.output)")
            #expect(await two.nersc.members(of: "lumcal")?.contains("hkim") == true, "nersc was not applied")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }

    @Test func aSavedTeamPlanIsRefusedEverywhereWhenOneFacilityMoved() async throws {
        let two = try await TwoFacilities.start()
        do {
            let saved = try await two.teamctl(["plan", "-f", "team.yaml", "--out", "plan.json"])
            #expect(saved.status == 0, "\(saved.output)")
            // Someone changes spin's lumrel by hand after the plan was made.
            var request = URLRequest(url: two.spin.apiBaseURL.appendingPathComponent("account/groups/lumrel"))
            request.httpMethod = "PUT"
            request.setValue("Bearer demo-pi", forHTTPHeaderField: "Authorization")
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data("usernames=tobrien&action=batch_add".utf8)
            let (_, response) = try await URLSession.shared.data(for: request)
            try #require((response as? HTTPURLResponse)?.statusCode == 200)

            let apply = try await two.teamctl(["apply", "plan.json", "--yes"])
            #expect(apply.status == 1, "\(apply.output)")
            #expect(
                apply.stdout.contains("nothing was sent anywhere") && apply.stdout.contains("spin:"), "\(apply.output)")
            #expect(await two.nersc.mutatingRequests().isEmpty, "nersc was written though the plan was refused")

            // A fresh plan applies at both and leaves nothing to do.
            let apply2 = try await two.teamctl(["apply", "-f", "team.yaml", "--yes"])
            #expect(apply2.status == 0, "\(apply2.output)")
            let again = try await two.teamctl(["plan", "-f", "team.yaml", "--format", "json"])
            #expect(try TeamPlan.load(from: Data(again.stdout.utf8)).changeCount == 0, "\(again.output)")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }

    /// A saved team plan edited at one facility (a removal added to spin's lumrel, spin's and the team's ids
    /// recomputed): each facility's plan is proven, and the edit refuses the whole plan, nothing sent anywhere.
    @Test(arguments: ["bchen", "amorales"])
    func aSavedTeamPlanTamperedAtOneFacilityIsRefusedEverywhere(extra: String) async throws {
        let two = try await TwoFacilities.start()
        do {
            let saved = try await two.teamctl(["plan", "-f", "team.yaml", "--out", "plan.json"])
            #expect(saved.status == 0, "\(saved.output)")
            let url = URL(fileURLWithPath: two.nersc.path("plan.json"))
            var plan = try TeamPlan.load(from: Data(contentsOf: url))
            let spin = try #require(plan.facilities.firstIndex { $0.basis.facility == "spin" })
            var facility = plan.facilities[spin]
            let index = try #require(facility.changes.firstIndex { $0.kind == .removeMembers && $0.group == "lumrel" })
            let change = facility.changes[index]
            facility.changes[index] = PlannedChange(
                id: change.id, facility: change.facility, project: change.project,
                action: .removeGroupMembers(group: "lumrel", usernames: change.usernames + [extra]))
            facility.summary = PlanSummary(
                changes: facility.changes, manualItems: facility.manualItems, warnings: facility.warnings,
                refusals: facility.refusals)
            facility.planID = facility.computedPlanID()
            plan.facilities[spin] = facility
            plan.planID = plan.computedPlanID()
            try plan.jsonData().write(to: url)

            let apply = try await two.teamctl(["apply", "plan.json", "--yes"])
            #expect(apply.status == 1, "\(apply.output)")
            #expect(apply.output.contains("spin"), "\(apply.output)")
            #expect(await two.nersc.mutatingRequests().isEmpty, "nersc was written though the plan was refused")
            let spinWrites = await two.spin.requestLog().filter { $0.method != "GET" && !$0.path.hasSuffix("/token") }
            #expect(spinWrites.isEmpty, "spin was written: \(spinWrites.map(\.path))")
            let lumrel = await two.spin.stateSnapshot().groups.first { $0.name == "lumrel" }?.members ?? []
            #expect(lumrel.contains(extra))
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }

    @Test func aSavedTeamPlanIsAppliedWhereItCanBeWhenOneFacilityIsDown() async throws {
        let two = try await TwoFacilities.start()
        do {
            let saved = try await two.teamctl(["plan", "-f", "team.yaml", "--out", "plan.json"])
            #expect(saved.status == 0, "\(saved.output)")
            try two.writeConfig(spinURL: two.spin.baseURL.appendingPathComponent("moved/api/v1.2"))
            let apply = try await two.teamctl(["apply", "plan.json", "--yes"])
            #expect(apply.status == 1, "\(apply.output)")
            #expect(apply.stdout.contains("Team: failed at spin"), "\(apply.output)")
            #expect(await two.nersc.members(of: "lumcal")?.contains("hkim") == true, "nersc was not applied")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }

    @Test func anEditedTeamPlanFileIsRefused() throws {
        let plan = TeamPlan(team: "lumen", facilities: [], unreadable: [.init(facility: "spin", reason: "down")])
        var text = String(decoding: try plan.jsonData(), as: UTF8.self)
        #expect(try TeamPlan.load(from: Data(text.utf8)) == plan)
        text = text.replacingOccurrences(of: "\"down\"", with: "\"up\"")
        #expect(throws: PlanLoadError.self) { try TeamPlan.load(from: Data(text.utf8)) }
        #expect(TeamPlan.isTeamPlan(Data(text.utf8)))
    }
}
