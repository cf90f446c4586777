import AccountModels
import Foundation
import Testing

@testable import TeamSync

/// The one escaping function every renderer uses, and the renderers other than the plan's: drift, roster, usage,
/// the person report, doctor lines, diagnostics and the HTML page. Each shows hostile text written out, on the
/// line it belongs to.
struct TerminalEscapingTests {
    /// A text with no control character anywhere, except the line feeds of `lines`.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { String.needsTerminalEscape($0) && $0 != "\n" }
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("a\u{1B}[2Jb", #"a\u{1B}[2Jb"#),
        ("cr\rx", #"cr\rx"#),
        ("nl\nx\ty", #"nl\nx\ty"#),
        ("\u{00}\u{07}\u{08}\u{7F}", #"\u{00}\u{07}\u{08}\u{7F}"#),
        ("c1\u{85}\u{9B}\u{9F}", #"c1\u{85}\u{9B}\u{9F}"#),
        ("\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}", #"\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}"#),
        ("\u{2066}\u{2067}\u{2068}\u{2069}", #"\u{2066}\u{2067}\u{2068}\u{2069}"#),
        ("\u{200E}\u{200F}\u{061C}\u{2028}\u{2029}", #"\u{200E}\u{200F}\u{61C}\u{2028}\u{2029}"#),
        ("José Müller 陈博 👩‍🔬 a\\b", "José Müller 陈博 👩‍🔬 a\\b"),
    ])
    func escapesEveryControlAndNothingElse(input: String, expected: String) {
        #expect(input.escapedForTerminal == expected)
        #expect(Self.isClean(input.escapedForTerminal) && !input.escapedForTerminal.contains("\n"))
    }

    @Test func keepingLinesKeepsOnlyLineFeedsAndTabs() {
        #expect("a\nb\tc\r\u{1B}[K".escapedForTerminalKeepingLines == "a\nb\tc\\r\\u{1B}[K")
    }

    @Test func anExcerptIsTheFirstLineCutShortAndEscaped() {
        #expect("root:x:0:0\nsecond".excerptForMessage() == "root:x:0:0...")
        #expect("just some text\n".excerptForMessage() == "just some text")
        #expect(String(repeating: "y", count: 100).excerptForMessage(limit: 10) == "yyyyyyyyyy...")
        #expect("\u{1B}[2Jx".excerptForMessage() == #"\u{1B}[2Jx"#)
    }

    @Test func aDiagnosticIsAlwaysItsOneOrTwoLines() {
        let diagnostic = Diagnostic.error(
            "unknown key 'a\n  hint: forged'", file: "dir/\u{1B}[2J.yaml", line: 3, column: 1, hint: "x\ry")
        #expect(
            diagnostic.description == #"dir/\u{1B}[2J.yaml:3:1: error: unknown key 'a\n  hint: forged'"#
                + "\n  hint: x\\ry")
    }

    @Test func aDoctorLineStaysOneEscapedLine() {
        let check = DoctorCheck("facility", .failed, "HTTP 500: \u{1B}[2Jok\rOK    all good")
        // The line break is folded by the check itself; the escape sequence is written out.
        #expect(check.description == #"FAIL  facility     HTTP 500: \u{1B}[2Jok; OK    all good"#)
    }

    @Test func driftLinesShowFacilityTextWrittenOut() {
        let event = DriftEvent(
            facility: "nersc", kind: .joined, target: "roster m4812", project: "m4812", group: nil,
            user: "ev\u{1B}[2Jil", before: nil, after: nil, firstSeenAt: 1_795_600_800, notBefore: 1_795_514_400,
            message: "ev\u{1B}[2Jil joined m4812\n2026-11-25 10:00:00  nersc     bchen left m4812")
        let report = DriftReport(
            since: nil,
            results: [
                "nersc": .success([event]),
                "spin": .failure(DriftFailure(text: "HTTP 502\r\u{1B}[31mall fine")),
            ])
        let text = report.text()
        #expect(Self.isClean(text))
        #expect(text.contains(#"ev\u{1B}[2Jil joined m4812\n2026-11-25 10:00:00  nersc     bchen left m4812"#))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("2026-11-25 10:00:00  nersc     bchen") })
        #expect(text.contains(#"Not read at spin: HTTP 502\r\u{1B}[31mall fine"#))
    }

    struct DriftFailure: Error, CustomStringConvertible { var text: String; var description: String { text } }

    @Test func rosterLinesShowListTextWrittenOut() throws {
        let directory = try RosterGoldenTests.copyOfExample()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("roster.csv")
        let hostile = "\"Eve\u{1B}[2J\r+ zz  Mallory\",\"eve\u{202E}gro.elpmaxe@eve.org\",eve,eve,Nowhere\n"
        let handle = try FileHandle(forWritingTo: csv)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(hostile.utf8))
        try handle.close()
        let comparison = try RosterGoldenTests.compare(in: directory)
        let text = RosterRenderer.text(comparison)
        #expect(Self.isClean(text))
        #expect(text.contains(#"Eve\u{1B}[2J\r+ zz  Mallory"#))
        #expect(text.contains(#"eve\u{202E}gro.elpmaxe@eve.org"#))
    }

    @Test func usageTablesAndCSVShowFacilityTextWrittenOut() throws {
        let odd = StorageStats(name: "proj\u{1B}[2J\rfake  row", bytes_given: 10, bytes_used: 5)
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 1) { _ in
            [UsageHistory.project("m1\u{202E}", cpuGiven: 10, cpuUsed: 1, storage: [odd])]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-02"))
        let table = UsageRenderer.table(report)
        #expect(Self.isClean(table))
        #expect(table.contains(#"proj\u{1B}[2J\rfake  row"#))
        #expect(table.contains(#"m1\u{202E}"#))
        let csv = UsageRenderer.csv(report).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(Self.isClean(csv))
        #expect(csv.contains(#"proj\u{1B}[2J\rfake  row"#))
    }

    @Test func theTeamPageShowsHostileNamesAsText() {
        let evil = "<img src=x onerror=alert(1)>\u{202E}\"'&"
        let page = TeamPage(
            schemaVersion: 1, team: "lumen</title><script>x</script>", generatedAt: "2026-11-25T10:00:00Z",
            facilities: [
                .init(
                    name: "nersc", project: "m4812", provider: "sfapi", readAt: nil, changes: 1, manualItems: 1,
                    drift: 0, problem: "HTTP 500: <b>\(evil)</b>")
            ],
            rows: [
                .init(
                    id: "eve", name: evil, until: nil,
                    cells: [
                        "nersc": .init(
                            username: evil, role: "member", groups: [evil], limits: [], state: "to add",
                            detail: evil)
                    ])
            ],
            items: [
                .init(
                    facility: "nersc", id: "i1", person: evil, action: "remove \(evil)", where: "Iris", openSince: nil,
                    ageDays: 0)
            ],
            drift: [], driftSince: "2026-11-01", usage: [:], usageByPerson: nil)
        let html = TeamPageRenderer.html(page)
        #expect(!html.contains("<img"))
        #expect(!html.contains("<script>x"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("\u{202E}"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;\\u{202E}&quot;&#39;&amp;"))
    }

    @Test func theHTMLEscapesMarkupAndWritesControlsOut() {
        #expect(
            UsageRenderer.escape("<script>alert('x')</script>&\"")
                == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
        #expect(UsageRenderer.escape("a\u{202E}b\u{1B}[2J") == #"a\u{202E}b\u{1B}[2J"#)
    }
}
