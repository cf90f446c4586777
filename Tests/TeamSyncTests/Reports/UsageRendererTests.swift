import AccountModels
import Foundation
import Testing

@testable import TeamSync

struct UsageRendererTests {
    func exampleReport(warnAt: Double? = 80) throws -> UsageReport {
        let example = try UsageHistory.example()
        return UsageReport.build(snapshots: example.snapshots, now: example.now, warnAt: warnAt)
    }

    // MARK: CSV

    /// A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes.
    func parseCSV(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                try #require(field.isEmpty, "a quote may only open a field")
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\r" {
                try #require(characters.popFirst() == "\n", "records end with CRLF")
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                try #require(character != "\n", "a bare LF outside quotes")
                field.unicodeScalars.append(character)
            }
        }
        try #require(!quoted && field.isEmpty && record.isEmpty, "the last record ends with CRLF")
        return records
    }

    @Test func csvParsesBackToTheReportFigures() throws {
        let report = try exampleReport()
        let records = try parseCSV(UsageRenderer.csv(report))
        let header = try #require(records.first)
        #expect(header == UsageRenderer.csvColumns)
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        #expect(records.allSatisfy { $0.count == header.count })
        let expectedRows = report.projects.reduce(0) { $0 + 2 + 2 * $1.storage.count }
        #expect(rows.count == expectedRows)

        for project in report.projects {
            for hours in [project.cpu, project.gpu] {
                let row = try #require(
                    rows.first { $0["project"] == project.project && $0["resource"] == hours.resource.rawValue })
                #expect(row["unit"] == "hours")
                #expect(row["given"].flatMap(Double.init) == hours.projectGiven)
                #expect(row["used"].flatMap(Double.init) == hours.projectUsed)
                #expect(row["percent_used"].flatMap(Double.init) == hours.percentUsed)
                #expect(row["caller_used"].flatMap(Double.init) == hours.callerUsed)
                #expect(row["burn_per_day"].flatMap(Double.init) == hours.burn?.hoursPerDay)
                #expect(row["run_out_day"].flatMap(CalendarDay.init) == hours.runOutDay)
                #expect(row["year_fraction_elapsed"].flatMap(Double.init) == report.yearFractionElapsed)
            }
            for area in project.storage {
                let row = try #require(
                    rows.first {
                        $0["project"] == project.project && $0["resource"] == area.area.rawValue
                            && $0["unit"] == "bytes"
                    })
                #expect(row["used"].flatMap(Double.init) == area.bytesUsed)
                #expect(row["given"].flatMap(Double.init) == area.bytesGiven)
            }
        }
        let single = try #require(rows.first { $0["project"] == "m9012" && $0["resource"] == "cpu" })
        #expect(single["note"] == "")
        #expect(single["burn_basis"] == "year-to-date-average")
        #expect(single["burn_per_day"].flatMap(Double.init) == report.projects.last?.cpu.burn?.hoursPerDay)
        let windowed = try #require(rows.first { $0["project"] == "m1234" && $0["resource"] == "gpu" })
        #expect(windowed["burn_basis"] == "window")
    }

    @Test func csvQuotesFieldsThatNeedIt() throws {
        let odd = StorageStats(name: "proj, \"main\"\nfs", bytes_given: 10, bytes_used: 5)
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 1) { _ in
            [UsageHistory.project("m1", cpuGiven: 10, cpuUsed: 1, storage: [odd])]
        }
        let csv = UsageRenderer.csv(UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-02")))
        #expect(csv.contains(",\"proj, \"\"main\"\"\nfs\","))
        let names = try parseCSV(csv).dropFirst().map { $0[3] }
        #expect(names.contains("proj, \"main\"\nfs"))
    }

    @Test func csvTextThatASpreadsheetWouldRunIsDefused() throws {
        let hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 2) { day in
            [
                UsageHistory.project(
                    "m1", cpuGiven: 100, cpuUsed: 10 * day,
                    hpss: hostile.map { StorageStats(name: $0, bytes_given: 10, bytes_used: 5) }),
                UsageHistory.project("=1+1", cpuGiven: 100, cpuUsed: 10 * day),
            ]
        }
        let rows = try parseCSV(
            UsageRenderer.csv(UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-02"))))
        let names = Set(rows.dropFirst().map { $0[3] }.filter { !$0.isEmpty })
        // A carriage return is written out as `\r` (the file is often shown in a terminal), which a spreadsheet
        // does not run either; a tab is kept, and defused.
        #expect(names == Set(hostile.map { $0 == "\rcmd" ? #"\rcmd"# : "'" + $0 }))
        #expect(Set(rows.dropFirst().map { $0[0] }) == ["m1", "'=1+1"])
        // Figures stay numbers, negative ones included: only text from the facility is prefixed.
        #expect(UsageRenderer.csvText("m1") == "m1")
        #expect(UsageRenderer.number(-3) == "-3")
    }

    @Test(arguments: [(3000.0, "3000"), (0.25, "0.25"), (-12.0, "-12"), (1.5e16, "1.5e+16")])
    func csvNumbersArePlain(_ value: Double, _ text: String) {
        #expect(UsageRenderer.number(value) == text)
        #expect(Double(UsageRenderer.number(value)) == value)
    }

    // MARK: JSON

    @Test func jsonDecodesBackToTheSameReport() throws {
        var report = try exampleReport()
        // ISO 8601 keeps whole seconds; the example's times are whole seconds already.
        report.generatedAt = Date(timeIntervalSince1970: report.generatedAt.timeIntervalSince1970.rounded())
        let text = try UsageRenderer.json(report)
        let decoded = try UsageRenderer.decodeJSON(Data(text.utf8))
        #expect(decoded == report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == UsageReport.currentSchemaVersion)
        #expect(object["generatedAt"] as? String == "2026-09-24T15:00:00Z")
        let projects = try #require(object["projects"] as? [[String: Any]])
        let cpu = try #require(projects.first?["cpu"] as? [String: Any])
        #expect(cpu["runOutDay"] is String || cpu["runOutDay"] == nil)
        #expect(Set(object.keys).isSuperset(of: ["allocationYear", "warnings", "projects", "yearFractionElapsed"]))
    }

    @Test func jsonOfAnotherSchemaVersionIsRefused() throws {
        let report = try exampleReport()
        let text = try UsageRenderer.json(report).replacingOccurrences(
            of: "\"schemaVersion\" : \(UsageReport.currentSchemaVersion)", with: "\"schemaVersion\" : 99")
        #expect(text.contains("99"))
        let error = try #require(throws: DecodingError.self) { try UsageRenderer.decodeJSON(Data(text.utf8)) }
        #expect("\(error)".contains("schema version 99 is not supported"))
    }

    // MARK: HTML

    @Test func htmlHasOneChartPerProjectAndNothingExternal() throws {
        let report = try exampleReport()
        let html = UsageRenderer.html(report)
        #expect(report.projects.count == 3)
        #expect(html.components(separatedBy: "<svg").count - 1 == report.projects.count)
        #expect(html.components(separatedBy: "</svg>").count - 1 == report.projects.count)
        for external in ["http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe"] {
            #expect(!html.lowercased().contains(external), "found \(external)")
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@media print"))
        #expect(html.contains("stroke-dasharray=\"7 5\""))
        #expect(html.contains("<td>year-to-date average</td>"))
        #expect(html.contains("<td>7-day burn</td>"))
        for warning in report.warnings { #expect(html.contains(UsageRenderer.escape(warning.message))) }
    }

    @Test func htmlEscapesAllText() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 3) { day in
            [
                UsageHistory.project(
                    "m<1>", cpuGiven: 100, cpuUsed: 10 * day, description: "<script>alert('x')</script> & \"co\"",
                    storage: [StorageStats(name: "<b>fs</b>", bytes_given: 10, bytes_used: 1)])
            ]
        }
        let html = UsageRenderer.html(UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-03")))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"))
        #expect(html.contains("m&lt;1&gt;"))
    }

    @Test func htmlDrawsAtMostAboutOnePointPerPixel() throws {
        // Hourly refreshes for 150 days: 3,600 snapshots.
        let snapshots = try UsageHistory.daily(from: "2026-01-01", steps: 3_600, stepDays: 1.0 / 24) { day in
            [UsageHistory.project("m1", cpuGiven: 100_000, cpuUsed: 100 * day)]
        }
        let report = UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-05-31"))
        #expect(report.projects.first?.cpu.burn?.hoursPerDay.rounded() == 100)
        let html = UsageRenderer.html(report)
        let polyline = try #require(html.components(separatedBy: "<polyline points=\"").dropFirst().first)
        let drawn = polyline.prefix { $0 != "\"" }.split(separator: " ").count
        // 150 of 365 days across a 696-pixel plot is about 286 pixels.
        #expect(drawn > 200 && drawn <= 300)
        #expect(html.utf8.count < 200_000)
    }

    @Test func htmlSaysWhenAProjectHasNoHours() throws {
        let snapshots = try UsageHistory.daily(from: "2026-04-01", steps: 2) { _ in
            [UsageHistory.project("m1", cpuGiven: nil, cpuUsed: nil)]
        }
        let html = UsageRenderer.html(UsageReport.build(snapshots: snapshots, now: try UsageHistory.date("2026-04-03")))
        #expect(html.contains("no CPU or GPU hours allocated"))
        #expect(html.components(separatedBy: "<svg").count == 2)
    }

    // MARK: Table

    @Test func tableColumnsLineUp() throws {
        let table = UsageRenderer.table(try exampleReport())
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("PROJECT  HOURS") })
        let header = lines[headerIndex]
        let rows = lines[(headerIndex + 1)...].prefix { !$0.isEmpty }
        #expect(rows.count == 4)  // m1234 CPU and GPU, m5678 CPU, m9012 CPU
        // Right-aligned numeric columns end where their heading ends.
        for heading in ["GIVEN", "USED%", "BURN/DAY"] {
            let end = try #require(header.range(of: heading)).upperBound.utf16Offset(in: header)
            for row in rows {
                let index = row.index(row.startIndex, offsetBy: end - 1)
                #expect(row[index] != " ", "\(heading) misaligned in: \(row)")
                #expect(row[row.index(after: index)] == " ")
            }
        }
        let startup = try #require(rows.first { $0.hasPrefix("m9012") })
        #expect(startup.contains("year-to-date average"))
        #expect(!table.contains("\u{1B}["))
    }

    @Test func tableColoursWarningsOnlyWhenAsked() throws {
        let report = try exampleReport()
        #expect(!report.warnings.isEmpty)
        let coloured = UsageRenderer.table(report, color: true)
        #expect(coloured.contains("\u{1B}[31mwarning: "))
        for warning in report.warnings { #expect(coloured.contains(warning.message)) }
    }

    @Test(arguments: [
        (950.0, "950"), (3_000, "3.0k"), (12_345, "12.3k"), (123_456, "123k"), (1_500_000, "1.5M"), (2.5, "2.5"),
    ])
    func hoursReadLikeAPersonWouldWriteThem(_ value: Double, _ text: String) {
        #expect(UsageUnits.hours(value) == text)
    }

    @Test(arguments: [(512.0, "512 B"), (1.2e9, "1.2 GB"), (2e13, "20.0 TB"), (3.4e15, "3.4 PB"), (1.5e14, "150 TB")])
    func bytesUseDecimalUnits(_ value: Double, _ text: String) {
        #expect(UsageUnits.bytes(value) == text)
    }

    @Test func rendersEveryFormatThroughOneEntryPoint() throws {
        let report = try exampleReport()
        for format in UsageFormat.allCases {
            let text = try UsageRenderer.render(report, as: format)
            #expect(text.contains("m1234"), "\(format) lacks the project")
        }
    }
}
