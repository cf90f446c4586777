import Foundation
import Testing

@testable import TeamSync

/// The team page (`teamctl report`) for a team on two emulated facilities, rendered in headless Chromium through
/// `scripts/render-page`: what is on screen at 1280 px and on a 390 px phone, in light and dark, not only the HTML
/// text. Without Chromium the test is skipped, unless TEAMCTL_CHROMIUM_REQUIRED=1 (CI) makes that a failure.
@Suite struct TeamPageTests {
    /// The sections the page must show, by their `data-section` names, with a heading each.
    static let sections = ["summary", "roster", "manual", "drift", "usage"]

    struct Rendered: Decodable {
        struct Box: Decodable { var x, y, width, height: Double }
        struct Section: Decodable {
            var name: String
            var visible: Bool
            var box: Box
            var text: Int
            var headings: [String]
            var overflowing: Int
        }
        struct Viewport: Decodable { var width, height: Double }
        var viewport: Viewport
        var scrollWidth: Double
        var background: String
        var color: String
        var dark: Bool
        var sections: [Section]
        var charts: [Box]
        var scripts: Int
        var external: [String]
    }

    static func chromiumAvailable() throws -> Bool {
        let found = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
        }
        if !found && ProcessInfo.processInfo.environment["TEAMCTL_CHROMIUM_REQUIRED"] == "1" {
            Issue.record("TEAMCTL_CHROMIUM_REQUIRED=1 but there is no chromium on PATH (apt-get install chromium)")
        }
        return found
    }

    /// Renders `page` at a viewport and returns what scripts/render-page saw on screen.
    static func render(_ page: String, width: Int, dark: Bool = false, screenshot: String? = nil) async throws
        -> Rendered
    {
        var arguments = [
            TeamctlHarness.repoPath("scripts/render-page"), page, "--width", "\(width)", "--height", "900", "--check",
        ]
        if dark { arguments.append("--dark") }
        if let screenshot { arguments += ["--screenshot", screenshot, "--full-page"] }
        let command = ["python3"] + arguments
        let result = await RefreshFixture.offThePool { () -> (Int32, Data, Data) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do { try process.run() } catch { return (-1, Data(), Data("\(error)".utf8)) }
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, output, errors)
        }
        try #require(result.0 == 0, "render-page failed: \(String(decoding: result.2, as: UTF8.self))")
        return try JSONDecoder().decode(Rendered.self, from: result.1)
    }

    @Test func everySectionIsOnScreenAtDesktopAndPhoneWidthsInLightAndDark() async throws {
        guard try Self.chromiumAvailable() else { return }
        let two = try await TeamPlanTests.TwoFacilities.start()
        do {
            try await two.nersc.control(
                "usage", #"{"repo_name": "m4812", "user": "hkim", "cpu_hours": 4000, "gpu_hours": 100}"#)
            let apply = try await two.teamctl(["apply", "-f", "team.yaml", "--yes"])
            #expect(apply.status == 0, "\(apply.output)")
            try await two.nersc.changeGroupOutOfBand(
                "lumcal", action: "batch_add", usernames: ["kmensah"], token: "demo-pi")
            let page = two.nersc.directory + "/team.html"
            let report = try await two.teamctl(["report", "-f", "team.yaml", "--refresh", "--out", page])
            #expect(report.status == 0, "\(report.output)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(!html.contains("<script"), "the page runs no script")

            let wide = try await Self.render(page, width: 1280)
            let phone = try await Self.render(page, width: 390)
            let dark = try await Self.render(page, width: 390, dark: true)
            for (name, view) in [("1280 px", wide), ("390 px", phone), ("390 px dark", dark)] {
                let shown = Dictionary(view.sections.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                for section in Self.sections {
                    let found = shown[section]
                    #expect(found?.visible == true, "\(name): section \(section) is not on screen")
                    #expect((found?.text ?? 0) > 20, "\(name): section \(section) shows no text")
                    #expect(found?.headings.isEmpty == false, "\(name): section \(section) has no visible heading")
                    #expect(found?.overflowing == 0, "\(name): something in \(section) runs off the screen")
                }
                #expect(view.scrollWidth <= view.viewport.width + 1, "\(name): the page scrolls sideways")
                #expect(view.charts.contains { $0.width > 200 && $0.height > 80 }, "\(name): no usage chart shown")
                #expect(view.scripts == 0 && view.external.isEmpty, "\(name): \(view.external)")
            }
            #expect(wide.viewport.width == 1280 && phone.viewport.width == 390)
            #expect(dark.dark && !phone.dark && dark.background != phone.background, "dark mode changes the colours")
            // On the phone the roster is one card per person: its cells stack, so the section is taller than wide.
            let roster = phone.sections.first { $0.name == "roster" }
            #expect((roster?.box.height ?? 0) > (wide.sections.first { $0.name == "roster" }?.box.height ?? 0))

            // What the sections hold: the roster across both facilities, the outside change, the open items.
            #expect(html.contains("Hana Kim") && html.contains("<th>nersc</th>") && html.contains("<th>spin</th>"))
            #expect(html.contains("kmensah added to group lumcal"), "drift shows the outside change")
            #expect(html.contains("<h2>By person</h2>"), "usage by person is on the page")
            #expect(html.contains("Open manual items") && html.contains("open since"), "manual items with their age")
            let json = try await two.teamctl(["report", "-f", "team.yaml", "--format", "json"])
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let model = try decoder.decode(TeamPage.self, from: Data(json.stdout.utf8))
            #expect(model.rows.contains { $0.id == "hana" && $0.cells["nersc"]?.username == "hkim" })
            #expect(model.items.allSatisfy { $0.openSince != nil }, "\(model.items)")
            #expect(model.drift.map(\.message) == ["kmensah added to group lumcal"], "\(model.drift)")
        } catch {
            await two.shutdown()
            throw error
        }
        await two.shutdown()
    }
}
