import FacilityEmulator
import Foundation
import Testing

/// The promises scripts and CI rely on: exit codes, the JSON plan's field names, markdown for pull
/// requests, refusing to change anything without consent, help that names the next step.
struct CLIContractTests {
    /// A small facility: project m100 with alice (PI) and bob, group m100a holding both.
    static let seed = """
        users:
          - {name: alice, uid: 2001}
          - {name: bob, uid: 2002}
          - {name: carol, uid: 2003}
        projects:
          - id: 100
            repo_name: m100
            description: Small
            members:
              - {user: alice, role: PI}
              - {user: bob, role: Member}
        groups:
          - {name: m100a, gid: 65001, repo_name: m100, members: [alice, bob]}
        tokens:
          - {token: tok-alice, user: alice}
        systems:
          - {name: iris, status: active}

        """

    static func manifest(members: String, group: String) -> String {
        "version: 1\nproject: m100\nfacility: nersc\nmembers:\n\(members)groups:\n  m100a: {members: \(group)}\n"
    }

    static let inSync = manifest(members: "  alice: {role: pi}\n  bob: {}\n", group: "all")
    static let changes = manifest(members: "  alice: {role: pi}\n  bob: {}\n", group: "[alice]")
    static let manualOnly = manifest(members: "  alice: {role: pi}\n  bob: {}\n  carol: {}\n", group: "[alice, bob]")

    @Test(arguments: [("in sync", inSync, Int32(0)), ("changes", changes, 2), ("manual only", manualOnly, 3)])
    func detailedExitcodeTellsInSyncChangesAndManualOnly(name: String, manifest: String, expected: Int32) async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        try harness.write("team.yaml", manifest)
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25", "--detailed-exitcode"])
        #expect(run.status == expected, "\(name): \(run.output)")
        let plain = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25"])
        #expect(plain.status == 0, "without --detailed-exitcode a plan that ran exits 0: \(plain.output)")
    }

    @Test func jsonPlanUsesExactlyTheSchemasFieldNames() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25", "--format", "json"])
        #expect(run.status == 0, "\(run.output)")
        let plan = try PlanJSON(run.stdout)
        let schemaData = try Data(contentsOf: URL(fileURLWithPath: TeamctlHarness.repoPath("schema/plan.schema.json")))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        var problems: [String] = []
        SchemaFieldCheck(root: schema).check(plan.object, against: schema, at: "$", problems: &problems)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(!plan.changes.isEmpty && !plan.manualItems.isEmpty, "the example exercises changes and manual items")
    }

    @Test func markdownStartsWithTheSummary() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25", "--format", "markdown"])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(lines.first?.hasPrefix("### teamctl plan for m4812") == true, "\(run.stdout.prefix(300))")
        let summary = try #require(lines.dropFirst().first)
        #expect(summary.hasPrefix("**") && summary.contains("create"), "summary right after the title: \(summary)")
        #expect(run.stdout.contains("<details>"))
    }

    @Test func applyWithoutATerminalOrYesRefusesAndSendsNothing() async throws {
        let harness = try await TeamctlHarness.examples()
        defer { Task { await harness.shutdown() } }
        let run = try await harness.run(["apply", "-f", "team.yaml", "--today", "2026-11-25"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("--yes"), "\(run.output)")
        #expect(await harness.mutatingRequests().isEmpty)
        #expect(await harness.members(of: "lumsim") == nil)
    }

    @Test func aPlanThatCannotBeSavedFailsAndLeavesNoTemporaryFile() async throws {
        let harness = try await TeamctlHarness.start(seedYAML: Self.seed, token: "tok-alice")
        defer { Task { await harness.shutdown() } }
        try harness.write("team.yaml", Self.changes)
        try FileManager.default.createDirectory(atPath: harness.path("plan.json"), withIntermediateDirectories: true)
        let run = try await harness.run(["plan", "-f", "team.yaml", "--today", "2026-11-25", "--out", "plan.json"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stderr.contains("cannot write plan.json"), "\(run.output)")
        #expect(!run.stderr.contains("Saved the plan"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: harness.directory).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func versionPrintsTheVersionTheCommitAndTheBuildDate() async throws {
        let run = try await TeamctlHarness.runAlone(["--version"])
        #expect(run.status == 0)
        // `0.1.0 (commit unknown, built unknown)` from swift build; scripts/package stamps the real ones.
        let line = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            line.wholeMatch(
                of: /[0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]+(-dirty)?|unknown), built ([0-9TZ:-]+|unknown)\)/)
                != nil, "\(run.output)")
    }

    @Test func noArgumentsPrintsShortHelpNamingTheNextStep() async throws {
        let run = try await TeamctlHarness.runAlone([])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("teamctl demo"), "\(run.output)")
        #expect(run.stdout.contains("teamctl validate"), "\(run.output)")
        #expect(run.stdout.contains("--help"), "\(run.output)")
        #expect(run.stdout.split(separator: "\n").count <= 20, "short: \(run.output)")
    }

    @Test(arguments: [("plna", "plan"), ("aply", "apply"), ("histroy", "history"), ("xyzzy", nil)])
    func aMistypedCommandSuggestsTheNearestOne(typed: String, suggestion: String?) async throws {
        let run = try await TeamctlHarness.runAlone([typed])
        #expect(run.status == 64, "usage error: \(run.output)")
        #expect(run.stderr.contains("'\(typed)'"), "\(run.output)")
        if let suggestion { #expect(run.stderr.contains("teamctl \(suggestion)"), "\(run.output)") }
        #expect(run.stderr.contains("teamctl --help"), "\(run.output)")
    }
}

/// Checks a JSON value's object keys against a JSON Schema's `required`, `properties` and
/// `additionalProperties`, following `$ref`, `items` and map-valued `additionalProperties`.
struct SchemaFieldCheck {
    let root: [String: Any]

    func check(_ value: Any, against schema: [String: Any], at path: String, problems: inout [String]) {
        let schema = resolved(schema)
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): missing required field \(key)")
            }
            for (key, child) in object {
                if let property = properties[key] as? [String: Any] {
                    check(child, against: property, at: "\(path).\(key)", problems: &problems)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(child, against: extra, at: "\(path).\(key)", problems: &problems)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): field \(key) is not in the schema")
                }
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                check(element, against: items, at: "\(path)[\(index)]", problems: &problems)
            }
        } else if let options = schema["enum"] as? [String], let text = value as? String, !options.contains(text) {
            problems.append("\(path): \(text) is not one of \(options)")
        }
    }

    private func resolved(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/$defs/") else { return schema }
        let name = String(reference.dropFirst("#/$defs/".count))
        return (root["$defs"] as? [String: Any])?[name] as? [String: Any] ?? schema
    }
}
