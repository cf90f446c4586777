import AccountModels
import Foundation
import TestSupport
import Testing

@testable import TeamSync

/// Names from a facility reach the plan's text and Markdown only as text: no control character, no line of
/// their own, no closed code block, no live link or image.
struct PlanRendererEscapingTests {
    /// Usernames a hostile facility could report, each an attack on the terminal or the pull-request comment.
    static let hostile = [
        "mal\u{1B}[2J\u{1B}[Hlory",  // clears the screen
        "cr\r      + bchen",  // a carriage return that overwrites the line with a forged one
        "nl\n      + add bchen",  // a newline and a forged plan line
        "bidi\u{202E}nehcb\u{202C}x\u{2066}y\u{2069}",  // right-to-left override and isolates
        "c1\u{9B}31mred\u{7F}",  // a C1 CSI and DEL
        "md\n```\n![x](http://127.0.0.2/x.png)\n[link](http://127.0.0.2/)\n```",  // closes the diff block
        "span`` | <img src=x onerror=alert(1)> | www.example.org bob@example.org",  // table cell and autolinks
    ]

    /// The renderer's golden plan with the hostile names in the facility's group: each is removed, so each shows
    /// in a `-` line and in a manual item.
    ///
    /// The planner refuses such names and leaves them out of every change (`PlannerNameTests`), so the plan is made
    /// with placeholders and the names are put in afterwards, as a forged plan file could carry them: the renderer
    /// must hold on its own.
    static func plan(names: [String]) -> Plan {
        let placeholders = names.indices.map { "zzplaceholder\($0)zz" }
        let manifest = TeamManifest(
            project: "m4812",
            members: Fixture.members(["amorales", "dpatel"], roles: ["amorales": .pi]),
            groups: ["lumcal": GroupSpec(members: .list(["amorales", "dpatel"]))])
        let snapshot = FacilitySnapshot(
            id: 12, fetchedAt: 1_795_600_800, facility: "nersc", caller: "amorales",
            roles: [RoleStats(id: 1, description: "Lumen", repo_name: "m4812", iris_role: "PI")],
            groups: [
                "lumcal": GroupStats(
                    gid: 1, name: "lumcal",
                    users: [UserStats(uid: 1, name: "amorales")]
                        + placeholders.enumerated().map { UserStats(uid: 10 + $0.offset, name: $0.element) }),
                "m4812": GroupStats(
                    gid: 2, name: "m4812",
                    users: [UserStats(uid: 1, name: "amorales"), UserStats(uid: 3, name: "dpatel")]),
            ])
        let plan = Planner.plan(
            manifests: [manifest], observed: snapshot, capabilities: .sfapiV1_2,
            options: PlanOptions(today: Fixture.today))
        var json = String(decoding: try! JSONEncoder().encode(plan), as: UTF8.self)
        for (placeholder, name) in zip(placeholders, names) {
            let literal = String(decoding: try! JSONEncoder().encode(name), as: UTF8.self).dropFirst().dropLast()
            json = json.replacingOccurrences(of: placeholder, with: String(literal))
        }
        return try! JSONDecoder().decode(Plan.self, from: Data(json.utf8))
    }

    /// As many names, harmless: the hostile plan must have exactly its lines.
    static let harmless = hostile.indices.map { "user\($0)" }

    @Test func theTextPlanHasNoControlCharacterAndNoForgedLine() throws {
        let text = PlanRenderer.text(Self.plan(names: Self.hostile), color: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = PlanRenderer.text(Self.plan(names: Self.harmless), color: false)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == expectedLines.count, "\(text)")
        #expect(!text.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" })
        // No line a reviewer would read as a change of its own.
        #expect(!lines.contains { $0.hasPrefix("      + bchen") || $0.hasPrefix("      + add bchen") })
        #expect(lines.filter { $0.hasPrefix("      + ") } == expectedLines.filter { $0.hasPrefix("      + ") })
        // Each name is shown, written out, on its own removal line.
        for name in Self.hostile {
            #expect(lines.contains("      - \(name.escapedForTerminal)"[...]), "\(name.escapedForTerminal)")
        }
        #expect(text.contains(#"      - mal\u{1B}[2J\u{1B}[Hlory"#))
        #expect(text.contains(#"      - nl\n      + add bchen"#))
        #expect(text.contains(#"bidi\u{202E}nehcb\u{202C}x\u{2066}y\u{2069}"#))
    }

    @Test func colourStaysOursAlone() {
        // With colour on, the only escape sequences are the renderer's own SGR codes.
        let coloured = PlanRenderer.text(Self.plan(names: Self.hostile), color: true)
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(!stripped.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" })
        #expect(stripped == PlanRenderer.text(Self.plan(names: Self.hostile), color: false))
    }

    @Test func aHostileFacilityCallerOrWarningIsEscapedToo() {
        var plan = Self.plan(names: ["x"])
        plan.basis.facility = "nersc\u{1B}]0;pwned\u{07}"
        plan.basis.caller = "amorales\r+ group evil"
        plan.refusals = ["would remove 'bchen'\n  x forged refusal"]
        plan.warnings = [
            PlanWarning(kind: .unknownUser, project: "m4812", subject: "q", message: "'q\u{1B}[8m' was never seen")
        ]
        let text = PlanRenderer.text(plan, color: false)
        #expect(!text.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" })
        #expect(text.contains(#"of nersc\u{1B}]0;pwned\u{07} as amorales\r+ group evil"#))
        #expect(text.contains(#"  x would remove 'bchen'\n  x forged refusal"#))
        #expect(!text.split(separator: "\n").contains("  x forged refusal"))
        #expect(text.contains(#"'q\u{1B}[8m' was never seen"#))
    }

    // MARK: Markdown

    @Test func noNameClosesTheDiffBlockOrMakesALiveLinkOrImage() throws {
        let plan = Self.plan(names: Self.hostile)
        let markdown = PlanRenderer.markdown(plan)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(!markdown.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" })

        // The diff block: opened once, closed once by a line that is exactly its fence, and every removal line of
        // the facility's names inside it.
        let open = try #require(lines.firstIndex { $0.hasPrefix("```") && $0.hasSuffix("diff") })
        let fence = String(lines[open].dropLast("diff".count))
        #expect(fence.allSatisfy { $0 == "`" } && fence.count >= 3)
        let close = try #require(lines[(open + 1)...].firstIndex { Self.closesFence($0, fence) })
        let inside = lines[(open + 1)..<close]
        for name in Self.hostile { #expect(inside.contains("-     \(name.escapedForTerminal)"), "\(name)") }
        // No line outside the block opens or closes a fence: the block is the only one.
        let outside = Array(lines[..<open]) + Array(lines[(close + 1)...])
        #expect(!outside.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") })
        #expect(inside.count == Self.diffLines(Self.plan(names: Self.harmless)))

        // Outside the block (the manual-items table, where the names also appear), no syntax is live. Code spans
        // (the item ids) show their content as it is, so they are left out of the search.
        for line in outside.map(PlanMarkdown.withoutCodeSpans) {
            #expect(Self.liveLinkOrImage(in: line) == nil, "\(line)")
            #expect(!line.contains("<img"), "\(line)")
            #expect(!line.contains("http://127.0.0.2"), "an autolink in \(line)")
            #expect(!line.contains("www.example.org"), "an autolink in \(line)")
            #expect(!line.contains("bob@example.org"), "an autolink in \(line)")
        }
        // The table keeps its shape: each row has as many cells as the header.
        let rows = outside.filter { $0.hasPrefix("| ") }
        let header = try #require(rows.first)
        for row in rows { #expect(Self.cells(row) == Self.cells(header), "\(row)") }
        #expect(rows.count == plan.manualItems.count + 1)
    }

    @Test func theFenceOutgrowsAnyBacktickRunInTheBlock() {
        let plan = Self.plan(names: ["a````````b", "```"])
        let lines = PlanRenderer.markdown(plan).split(separator: "\n").map(String.init)
        #expect(lines.contains("`````````diff"))
        #expect(lines.filter { $0 == "`````````" }.count == 1)
    }

    @Test func inlineEscapingLeavesOrdinaryTextAlone() {
        #expect(
            MarkdownText.inline("add amorales to group lumcal_a, until 2026-10-31")
                == "add amorales to group lumcal_a, until 2026-10-31")
        #expect(MarkdownText.inline("![x](http://h/x.png)") == #"\!\[x\](http\://h/x.png)"#)
        #expect(MarkdownText.inline("_em_ a_b") == #"\_em\_ a_b"#)
        #expect(MarkdownText.inline("a\nb|c") == #"a\\nb\|c"#)
        #expect(MarkdownText.inline("WWW.x.org <a> & @b") == #"WWW\.x.org &lt;a&gt; &amp; \@b"#)
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`x|") == "`` `x\\| ``")
    }

    @Test func theTeamPlanMarkdownEscapesTheTeamAndAFailureReason() {
        let plan = Self.plan(names: ["x"])
        let team = TeamPlan(
            team: "lumen\n```\n[x](http://127.0.0.2/)", facilities: [plan],
            unreadable: [.init(facility: "spin", reason: "HTTP 500: <b>[x](http://127.0.0.2/)</b>\n# heading")])
        let markdown = TeamPlanRenderer.markdown(team)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == #"## teamctl plan for team lumen\\n\`\`\`\\n\[x\](http\://127.0.0.2/)"#)
        #expect(!lines.contains("# heading"))
        #expect(lines.allSatisfy { Self.liveLinkOrImage(in: $0) == nil && !$0.contains("<b>") })
        let text = TeamPlanRenderer.text(team, color: false)
        #expect(!text.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" })
        #expect(text.contains(#"  x could not read spin: HTTP 500: <b>[x](http://127.0.0.2/)</b>\n# heading"#))
    }

    // MARK: Reading Markdown

    /// Whether a line closes a fenced block opened by `fence`: up to three spaces, then at least as many backticks,
    /// then only spaces (CommonMark 4.5).
    static func closesFence(_ line: String, _ fence: String) -> Bool {
        let body = line.drop { $0 == " " }
        guard line.count - body.count <= 3 else { return false }
        let run = body.prefix { $0 == "`" }
        return run.count >= fence.count && body.dropFirst(run.count).allSatisfy { $0 == " " }
    }

    /// The first `[text](` or `![text](` whose `[` is not escaped by a backslash, if any.
    static func liveLinkOrImage(in line: String) -> Range<String.Index>? {
        let pattern = #"(?<!\\)(?:\\\\)*\[[^\]]*(?<!\\)\]\("#
        return line.range(of: pattern, options: .regularExpression)
    }

    /// The cells of a table row: split at `|` not escaped by a backslash.
    static func cells(_ row: String) -> Int {
        var count = 0
        var escaped = false
        for character in row {
            if character == "|", !escaped { count += 1 }
            escaped = character == "\\" && !escaped
        }
        return count
    }

    static func diffLines(_ plan: Plan) -> Int {
        let lines = PlanRenderer.markdown(plan).split(separator: "\n", omittingEmptySubsequences: false)
        guard let open = lines.firstIndex(where: { $0.hasSuffix("diff") }),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        else { return -1 }
        return close - open - 1
    }
}
