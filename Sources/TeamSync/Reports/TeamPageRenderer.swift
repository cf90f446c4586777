import AccountModels
import Foundation

/// The team page as one self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched. Reads at 1280 px
/// and on a phone (the roster turns into one card per person), in light and dark, and prints.
public enum TeamPageRenderer {
    /// The page; its usage section opens with each person's own hours (``TeamUsageRenderer/htmlSection(_:)``).
    public static func html(_ page: TeamPage) -> String {
        var out = HTMLPage()
        let e = UsageRenderer.escape
        out.line("<!DOCTYPE html>")
        out.line("<html lang=\"en\">")
        out.line("<head>")
        out.line("<meta charset=\"utf-8\">")
        out.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.line("<meta name=\"color-scheme\" content=\"light dark\">")
        out.line("<title>\(e("Team \(page.team): roster, manual items, drift and usage"))</title>")
        out.line("<style>\(TeamUsageRenderer.peopleStylesheet)\(stylesheet)</style>")
        out.line("</head>")
        out.line("<body>")

        out.line("<header data-section=\"summary\">")
        out.line("<h1>\(e("Team \(page.team)"))</h1>")
        out.line(
            "<p class=\"meta\">\(e("generated \(shortTime(page.generatedAt)) by teamctl"))"
                + " &middot; \(e(plural(page.rows.filter { $0.id != nil }.count, "person", "people")))"
                + " &middot; \(e(plural(page.facilities.count, "facility", "facilities")))</p>")
        out.line(
            "<nav><a href=\"#roster\">Roster</a> <a href=\"#manual\">Manual items</a> "
                + "<a href=\"#drift\">Outside changes</a> <a href=\"#usage\">Usage</a></nav>")
        out.line("<div class=\"cards\">")
        for facility in page.facilities {
            out.line("<div class=\"card\">")
            out.line("<h2>\(e(facility.name))</h2>")
            out.line(
                "<p class=\"meta\">\(e("project \(facility.project)\(facility.provider.isEmpty ? "" : " (\(facility.provider))")"))</p>"
            )
            out.line("<ul>")
            out.line("<li>\(e(facility.readAt.map { "read \(shortTime($0))" } ?? "never read"))</li>")
            out.line("<li>\(e(plural(facility.changes, "change")) ) for the next apply</li>")
            out.line("<li>\(e(plural(facility.manualItems, "manual item")) ) open</li>")
            out.line("<li>\(e(plural(facility.drift, "change")) ) made outside teamctl</li>")
            out.line("</ul>")
            if let problem = facility.problem { out.line("<p class=\"problem\">\(e(problem))</p>") }
            out.line("</div>")
        }
        out.line("</div>")
        out.line("</header>")
        out.line("<main>")

        // Roster.
        out.line("<section id=\"roster\" data-section=\"roster\">")
        out.line("<h2>Roster across facilities</h2>")
        out.line(
            "<p class=\"meta\">As the team manifest wants each person and as the newest refresh saw them. "
                + "<span class=\"state in-sync\">in sync</span> <span class=\"state pending\">pending</span> "
                + "<span class=\"state manual\">manual</span> <span class=\"state other\">other</span></p>")
        out.line("<table class=\"roster\">")
        out.line(
            "<thead><tr><th>Person</th>"
                + page.facilities.map { "<th>\(e($0.name))</th>" }.joined() + "</tr></thead>")
        out.line("<tbody>")
        for row in page.rows {
            var person = "<strong>\(e(row.name))</strong>"
            if let id = row.id {
                person += " <span class=\"id\">\(e(id))</span>"
            } else {
                person += " <span class=\"id\">not in the team</span>"
            }
            if let until = row.until { person += "<br><span class=\"meta\">\(e("until \(until)"))</span>" }
            out.line("<tr><th scope=\"row\">\(person)</th>")
            for facility in page.facilities {
                guard let cell = row.cells[facility.name] else {
                    out.line("<td data-label=\"\(e(facility.name))\"><span class=\"state other\">-</span></td>")
                    continue
                }
                var parts: [String] = []
                parts.append("<span class=\"state \(stateClass(cell.state))\">\(e(cell.state))</span>")
                if let username = cell.username { parts.append("<code>\(e(username))</code>") }
                if let role = cell.role { parts.append(e(role.replacingOccurrences(of: "_", with: " "))) }
                var lines = [parts.joined(separator: " ")]
                if !cell.groups.isEmpty {
                    lines.append("<span class=\"meta\">groups</span> \(e(cell.groups.joined(separator: ", ")))")
                }
                if !cell.limits.isEmpty {
                    lines.append("<span class=\"meta\">limits</span> \(e(cell.limits.joined(separator: ", ")))")
                }
                if let detail = cell.detail { lines.append("<span class=\"detail\">\(e(detail))</span>") }
                out.line("<td data-label=\"\(e(facility.name))\">\(lines.joined(separator: "<br>"))</td>")
            }
            out.line("</tr>")
        }
        out.line("</tbody></table>")
        out.line("</section>")

        // Manual items.
        out.line("<section id=\"manual\" data-section=\"manual\">")
        out.line("<h2>Open manual items</h2>")
        if page.items.isEmpty {
            out.line("<p>No open manual items: every difference the back ends cannot make is done.</p>")
        } else {
            out.line("<p class=\"meta\">What a person must do by hand, oldest first.</p>")
            out.line(
                "<table class=\"list\"><thead><tr><th>Open</th><th>Facility</th><th>Person</th><th>To do</th><th>Where</th></tr></thead><tbody>"
            )
            for item in page.items {
                let age = item.ageDays.map { $0 == 0 ? "today" : plural($0, "day") } ?? "-"
                let since = item.openSince.map { " (since \(String($0.prefix(10))))" } ?? ""
                out.line(
                    "<tr><td data-label=\"Open\">\(e(age + since))</td><td data-label=\"Facility\">\(e(item.facility))</td>"
                        + "<td data-label=\"Person\">\(e(item.person))</td><td data-label=\"To do\">\(e(item.action))</td>"
                        + "<td data-label=\"Where\" class=\"where\">\(e(item.where))</td></tr>")
            }
            out.line("</tbody></table>")
        }
        out.line("</section>")

        // Drift.
        out.line("<section id=\"drift\" data-section=\"drift\">")
        out.line("<h2>Changes made outside teamctl</h2>")
        if page.drift.isEmpty {
            out.line(
                "<p>\(e("None since \(page.driftSince): every change the refreshes saw was made by teamctl."))</p>")
        } else {
            out.line(
                "<p class=\"meta\">\(e("Since \(page.driftSince), newest first, as the refreshes first saw them."))</p>"
            )
            out.line(
                "<table class=\"list\"><thead><tr><th>First seen</th><th>Facility</th><th>Change</th></tr></thead><tbody>"
            )
            for event in page.drift {
                out.line(
                    "<tr><td data-label=\"First seen\">\(e(shortTime(event.firstSeen)))</td>"
                        + "<td data-label=\"Facility\">\(e(event.facility))</td>"
                        + "<td data-label=\"Change\">\(e(event.message))</td></tr>")
            }
            out.line("</tbody></table>")
        }
        out.line("</section>")

        // Usage.
        out.line("<section id=\"usage\" data-section=\"usage\">")
        out.line("<h2>Usage</h2>")
        let usageByPerson = page.usageByPerson.map(TeamUsageRenderer.htmlSection)
        if let usageByPerson { out.line("<div class=\"scroll\">\(usageByPerson)</div>") }
        var index = 0
        var anything = false
        for facility in page.facilities {
            guard let report = page.usage[facility.name] else { continue }
            for project in report.projects {
                anything = true
                out.line("<div class=\"usage\">")
                out.line("<h3>\(e("\(facility.name): \(project.project)"))</h3>")
                let resources = [project.cpu, project.gpu].filter(\.hasAllocation)
                if !resources.isEmpty {
                    out.line(
                        "<table class=\"hours\"><thead><tr><th>Hours</th><th>Used</th><th>Given</th><th>Used %</th><th>Runs out</th></tr></thead><tbody>"
                    )
                    for hours in resources {
                        let cells = [
                            hours.resource.label, hours.projectUsed.map(UsageUnits.hours) ?? "-",
                            hours.projectGiven.map(UsageUnits.hours) ?? "-",
                            hours.percentUsed.map(UsageUnits.percent) ?? "-",
                            hours.runOutDay?.description ?? (hours.burn == nil ? "-" : "not this year"),
                        ]
                        let labels = ["Hours", "Used", "Given", "Used %", "Runs out"]
                        out.line(
                            "<tr>" + zip(labels, cells).map { "<td data-label=\"\(e($0))\">\(e($1))</td>" }.joined()
                                + "</tr>")
                    }
                    out.line("</tbody></table>")
                }
                out.line(
                    "<div class=\"chart-panel\">\(UsageChart(project: project, report: report, index: index).svg)</div>"
                )
                index += 1
                out.line("</div>")
            }
        }
        if !anything && usageByPerson == nil {
            out.line("<p>No usage figures yet: run 'teamctl usage --refresh' at each facility.</p>")
        }
        out.line("</section>")
        out.line("</main>")
        out.line("<footer>\(e("Made by teamctl report from the local cache; reads no network resource."))</footer>")
        out.line("</body>")
        out.line("</html>")
        return out.text
    }

    static func stateClass(_ state: String) -> String {
        switch state {
        case "in sync": return "in-sync"
        case "pending", "to add", "to change", "to remove": return "pending"
        case "manual": return "manual"
        default: return "other"
        }
    }

    static func shortTime(_ iso: String) -> String {
        String(iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "").prefix(16))
            + " UTC"
    }

    /// ``UsageRenderer/plural(_:_:)``, with an irregular plural when given.
    static func plural(_ count: Int, _ one: String, _ many: String? = nil) -> String {
        guard let many else { return UsageRenderer.plural(count, one) }
        return "\(count) \(count == 1 ? one : many)"
    }

    static let stylesheet = """

        :root { color-scheme: light dark; --bg: #ffffff; --fg: #15171a; --muted: #50565e; --line: #c9cdd2;
          --card: #f4f5f7; --ok: #17663a; --ok-bg: #dff3e6; --warn: #7a4d00; --warn-bg: #fdf0d2; --bad: #9b1c1c;
          --bad-bg: #fbe1e1; --other: #3c4249; --other-bg: #e7e9ec; --link: #1f4e99; }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #111315; --fg: #e8eaed; --muted: #a6adb5; --line: #3a3f45; --card: #1c1f23; --ok: #7fd69f;
            --ok-bg: #173823; --warn: #f2c46b; --warn-bg: #3b2e10; --bad: #f19a9a; --bad-bg: #411b1b;
            --other: #c3c8ce; --other-bg: #2a2e33; --link: #8fb5ff; }
        }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--fg);
          background: var(--bg); max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
        a { color: var(--link); }
        h1 { font-size: 26px; margin: 0 0 2px; }
        h2 { font-size: 19px; margin: 0 0 4px; }
        h3 { font-size: 16px; margin: 14px 0 4px; }
        .meta { color: var(--muted); margin: 0 0 8px; }
        nav { margin: 6px 0 12px; display: flex; flex-wrap: wrap; gap: 6px 16px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .card ul { margin: 4px 0 0; padding-left: 18px; }
        .problem { color: var(--bad); font-weight: 600; margin: 6px 0 0; }
        section { margin-top: 28px; border-top: 2px solid var(--fg); padding-top: 10px; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
        thead th { border-bottom: 2px solid var(--fg); font-weight: 600; }
        tbody th { font-weight: normal; }
        code { font: 13px/1.4 "DejaVu Sans Mono", Menlo, monospace; }
        .id { color: var(--muted); font-size: 13px; }
        .detail { color: var(--muted); font-size: 13px; }
        .where { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
        .state { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600;
          white-space: nowrap; }
        .state.in-sync { color: var(--ok); background: var(--ok-bg); }
        .state.pending { color: var(--warn); background: var(--warn-bg); }
        .state.manual { color: var(--bad); background: var(--bad-bg); }
        .state.other { color: var(--other); background: var(--other-bg); }
        table.hours { width: auto; }
        table.hours td { text-align: right; }
        table.hours td:first-child { text-align: left; }
        .scroll { overflow-x: auto; }
        section.team-people { border-top: 0; margin-top: 0; padding-top: 0; }
        table.people { width: auto; }
        table.people tr.total td { border-top-color: var(--fg); }
        table.people tr.warn td { color: var(--bad); }
        svg.people-chart { background: #ffffff; border-radius: 6px; }
        .chart-panel { background: #ffffff; border-radius: 6px; padding: 4px; margin: 6px 0 14px; }
        svg.chart { display: block; width: 100%; max-width: 1000px; height: auto; }
        footer { margin-top: 32px; border-top: 1px solid var(--line); padding-top: 6px; color: var(--muted);
          font-size: 12px; }
        @media (max-width: 720px) {
          body { padding: 12px 12px 28px; font-size: 15px; }
          h1 { font-size: 22px; }
          table.roster thead, table.list thead { display: none; }
          table.roster, table.roster tbody, table.roster tr, table.roster th, table.roster td,
          table.list, table.list tbody, table.list tr, table.list td { display: block; width: 100%; }
          table.roster tr, table.list tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px;
            padding: 6px 10px; background: var(--card); }
          table.roster th, table.roster td, table.list td { border: 0; padding: 3px 0; }
          table.roster td::before, table.list td::before { content: attr(data-label); display: block;
            color: var(--muted); font-size: 12px; font-weight: 600; }
          table.hours { width: 100%; }
        }
        @media print {
          :root { --bg: #fff; --fg: #000; --muted: #333; --line: #999; --card: #fff; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          nav { display: none; }
          section { break-inside: auto; }
          tr, .card, .usage { break-inside: avoid; page-break-inside: avoid; }
          .state { border: 1px solid #000; color: #000 !important; background: #fff !important; }
          a { color: #000; text-decoration: none; }
        }
        @page { margin: 14mm; }

        """
}
