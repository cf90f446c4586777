import AccountModels
import Testing

@testable import TeamSync

/// One broken manifest and the exact diagnostic it must produce.
struct BrokenManifest: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var line: Int
    var column: Int
    var message: String
    var severity: Diagnostic.Severity = .error
    var hint: String? = nil

    var testDescription: String { name }
}

/// A valid manifest header to build broken cases on: lines 1-3.
private let header = """
    version: 1
    project: m1234
    members:

    """

let brokenManifests: [BrokenManifest] = [
    BrokenManifest(
        name: "YAML syntax error: unclosed flow mapping", yaml: header + "  alice: {role: pi\n",
        line: 5, column: 1,
        message: "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 4, column 10)"),
    BrokenManifest(
        name: "tab indentation", yaml: header + "\talice: {}\n", line: 4, column: 1,
        message: "invalid YAML: found character that cannot start any token "
            + "(while scanning for the next token at line 4, column 1)"
    ),
    BrokenManifest(
        name: "duplicate top-level key", yaml: header + "  alice: {}\nproject: m9\n", line: 5, column: 1,
        message: "duplicate key 'project'", hint: "first defined at line 2"),
    BrokenManifest(
        name: "duplicate member", yaml: header + "  alice: {}\n  bob: {}\n  alice: {role: pi}\n", line: 6, column: 3,
        message: "duplicate key 'alice'", hint: "first defined at line 4"),
    BrokenManifest(
        name: "duplicate key in a flow mapping", yaml: header + "  alice: {role: pi, role: member}\n",
        line: 4, column: 21, message: "duplicate key 'role'", hint: "first defined at line 4"),
    BrokenManifest(
        name: "wrong type for members", yaml: "version: 1\nproject: m1234\nmembers: [alice, bob]\n", line: 3,
        column: 10,
        message: "'members' must be a mapping of username to settings, found a list",
        hint: "write one member per line, e.g. 'alice: {role: pi}'"),
    BrokenManifest(
        name: "wrong type for version", yaml: "version: one\nproject: m1234\nmembers: {}\n", line: 1, column: 10,
        message: "'version' must be a whole number, found 'one'"),
    BrokenManifest(
        name: "unsupported version", yaml: "version: 2\nproject: m1234\nmembers: {}\n", line: 1, column: 10,
        message: "unsupported manifest version 2", hint: "only version 1 exists"),
    BrokenManifest(
        name: "unknown top-level key with suggestion", yaml: "version: 1\nproject: m1234\nmembres: {}\n",
        line: 3, column: 1, message: "unknown key 'membres'", hint: "did you mean 'members'?"),
    BrokenManifest(
        name: "unknown member key with suggestion", yaml: header + "  alice: {rol: pi}\n", line: 4, column: 11,
        message: "unknown key 'rol'", hint: "did you mean 'role'?"),
    BrokenManifest(
        name: "unknown role", yaml: header + "  alice: {role: admin}\n", line: 4, column: 17,
        message: "unknown role 'admin'", hint: "roles are pi, pi_proxy and member"),
    BrokenManifest(
        name: "misspelt role", yaml: header + "  alice: {role: pi_proxi}\n", line: 4, column: 17,
        message: "unknown role 'pi_proxi'", hint: "did you mean 'pi_proxy'?"),
    BrokenManifest(
        name: "impossible date", yaml: header + "  carol: {until: 2027-02-30}\n", line: 4, column: 18,
        message: "'2027-02-30' is not a valid date", hint: "write dates as YYYY-MM-DD, e.g. 2027-06-30"),
    BrokenManifest(
        name: "date in the wrong format", yaml: header + "  carol: {until: 30/06/2027}\n", line: 4, column: 18,
        message: "'30/06/2027' is not a valid date", hint: "write dates as YYYY-MM-DD, e.g. 2027-06-30"),
    BrokenManifest(
        name: "group name too long", yaml: header + "  alice: {}\ngroups:\n  calibration: {members: all}\n",
        line: 6, column: 3, message: "group name 'calibration' is longer than 8 characters",
        hint: "Unix group names at the facility are at most 8 characters"),
    BrokenManifest(
        name: "group name with a bad character", yaml: header + "  alice: {}\ngroups:\n  cal.b: {members: all}\n",
        line: 6, column: 3, message: "group name 'cal.b' may only contain ASCII letters, digits, '_' and '-'"),
    BrokenManifest(
        name: "group name not ASCII", yaml: header + "  alice: {}\ngroups:\n  grüppe: {members: all}\n",
        line: 6, column: 3, message: "group name 'grüppe' may only contain ASCII letters, digits, '_' and '-'"),
    BrokenManifest(
        name: "duplicate group name",
        yaml: header + "  alice: {}\ngroups:\n  calib: {members: all}\n  calib: {members: [alice]}\n",
        line: 7, column: 3, message: "duplicate key 'calib'", hint: "first defined at line 6"),
    BrokenManifest(
        name: "group member not in roster", yaml: header + "  alice: {}\ngroups:\n  calib: {members: [alice, zed]}\n",
        line: 6, column: 28, message: "'zed' in group 'calib' is not in the members roster",
        hint: "add 'zed' under 'members', or remove it from this group"),
    BrokenManifest(
        name: "username listed twice in a group",
        yaml: header + "  alice: {}\ngroups:\n  calib:\n    members: [alice, alice]\n",
        line: 7, column: 22, message: "'alice' is listed more than once in group 'calib'"),
    BrokenManifest(
        name: "group without members", yaml: header + "  alice: {}\ngroups:\n  calib: {mode: additive}\n",
        line: 6, column: 10, message: "group 'calib' has no 'members'",
        hint: "write 'members: all' or a list of usernames"),
    BrokenManifest(
        name: "group members neither all nor a list",
        yaml: header + "  alice: {}\ngroups:\n  calib: {members: everyone}\n",
        line: 6, column: 20,
        message: "'members' of group 'calib' must be 'all' or a list of usernames, found 'everyone'"),
    BrokenManifest(
        name: "unknown group mode", yaml: header + "  alice: {}\ngroups:\n  calib: {members: all, mode: strict}\n",
        line: 6, column: 31, message: "unknown mode 'strict' for group 'calib'",
        hint: "modes are authoritative (the default) and additive"),
    BrokenManifest(
        name: "permission holder not in roster",
        yaml: header + "  alice: {}\npermissions:\n  premium_qos: [alice, bob]\n",
        line: 6, column: 24, message: "'bob' holds permission 'premium_qos' but is not in the members roster",
        hint: "add 'bob' under 'members', or remove it from this permission"),
    BrokenManifest(
        name: "permission not a list", yaml: header + "  alice: {}\npermissions:\n  premium_qos: alice\n",
        line: 6, column: 16, message: "permission 'premium_qos' must be a list of usernames, found 'alice'",
        hint: "write e.g. 'premium_qos: [alice, bob]'"),
    BrokenManifest(
        name: "negative max_removals", yaml: header + "  alice: {}\npolicy:\n  max_removals: -1\n",
        line: 6, column: 17, message: "'max_removals' must be 0 or more, found -1"),
    BrokenManifest(
        name: "max_removals not a number", yaml: header + "  alice: {}\npolicy:\n  max_removals: ten\n",
        line: 6, column: 17, message: "'max_removals' must be a whole number, found 'ten'"),
    BrokenManifest(
        name: "protected user not in roster", yaml: header + "  alice: {}\npolicy:\n  protected: [alice, mallory]\n",
        line: 6, column: 22, message: "protected user 'mallory' is not in the members roster", severity: .warning,
        hint: "check the spelling; protection applies to roster members"),
    BrokenManifest(
        name: "invalid username", yaml: header + "  Alice: {}\n", line: 4, column: 3,
        message: "'Alice' is not a valid username",
        hint:
            "usernames are lowercase letters, digits, '_' and '-', starting with a letter or '_', at most 32 characters"
    ),
    BrokenManifest(
        name: "project that is not a NERSC project name", yaml: "version: 1\nproject: m-12 x\nmembers: {}\n",
        line: 2, column: 10, message: "project 'm-12 x' does not look like a NERSC project name",
        hint: "project names are letters, digits and '_', starting with a letter, e.g. m1234"),
    BrokenManifest(
        name: "missing project", yaml: "version: 1\nmembers: {}\n", line: 1, column: 1,
        message: "missing required key 'project'"),
    BrokenManifest(
        name: "empty project", yaml: "version: 1\nproject:\nmembers: {}\n", line: 2, column: 9,
        message: "'project' has no value"),
    BrokenManifest(
        name: "empty document", yaml: "# nothing here yet\n", line: 1, column: 1, message: "the manifest is empty",
        hint: "a manifest starts with 'version: 1', 'project: NAME' and 'members:'"),
    BrokenManifest(
        name: "document that is a list", yaml: "- version: 1\n- project: m1234\n", line: 1, column: 1,
        message: "the manifest must be a mapping of keys (version, project, members, ...), found a list"),
    BrokenManifest(
        name: "document that is a scalar", yaml: "just some text\n", line: 1, column: 1,
        message: "the manifest must be a mapping of keys (version, project, members, ...), found 'just some text'"),
    BrokenManifest(
        name: "two documents in one file", yaml: header + "  alice: {}\n---\nversion: 1\n", line: 5, column: 1,
        message: "the file holds more than one YAML document; a manifest is one document",
        hint: "put each project in its own file, or remove the '---' line"),
    BrokenManifest(
        name: "member settings not a mapping", yaml: header + "  alice: pi\n", line: 4, column: 10,
        message: "settings for member 'alice' must be a mapping like {role: member}, found 'pi'"),
    BrokenManifest(
        name: "anchor", yaml: header + "  alice: &a {role: pi}\n  bob: *a\n", line: 4, column: 10,
        message: "YAML anchors and aliases are not allowed in a manifest",
        hint: "write each value out in full; if this '&' is in a comment or a quoted value, put a space after it"),
    BrokenManifest(
        name: "alias without an anchor", yaml: header + "  alice: *a\n", line: 4, column: 10,
        message: "invalid YAML: found undefined alias"),
    BrokenManifest(
        name: "member ending soon", yaml: header + "  carol: {until: 2026-12-01}\n", line: 4, column: 18,
        message: "membership of 'carol' ends on 2026-12-01, in 6 days", severity: .warning),
    BrokenManifest(
        name: "member already gone", yaml: header + "  carol: {until: 2026-09-30}\n", line: 4, column: 18,
        message: "membership of 'carol' ended on 2026-09-30; they count as absent", severity: .warning,
        hint: "plans remove them everywhere; delete the entry once that is applied"),
]

struct BrokenManifestTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 25)!

    @Test(arguments: brokenManifests)
    func reportsTheExactPlaceAndMessage(_ broken: BrokenManifest) throws {
        let (loaded, diagnostics) = ManifestLoader.validate(text: broken.yaml, file: "team.yaml", today: Self.today)
        let expected = Diagnostic(
            severity: broken.severity, file: "team.yaml", line: broken.line, column: broken.column,
            message: broken.message, hint: broken.hint)
        #expect(diagnostics.contains(expected), "got: \(diagnostics.map(\.description))")
        #expect(diagnostics.count == 1, "expected one diagnostic, got: \(diagnostics.map(\.description))")
        #expect((loaded == nil) == (broken.severity == .error))
    }

    @Test func tableIsLargeEnough() {
        #expect(brokenManifests.count >= 25)
        #expect(Set(brokenManifests.map(\.name)).count == brokenManifests.count)
    }

    @Test func reportsEveryProblemInAFileAtOnce() throws {
        let yaml = """
            version: 1
            project: m1234
            membres: {}
            members:
              alice: {role: admin}
              alice: {}
              Bob: {until: 2027-13-01}
            groups:
              calibration: {members: [alice, zed, alice]}
            policy:
              max_removals: -3
            """
        let (loaded, diagnostics) = ManifestLoader.validate(text: yaml, file: "t.yaml", today: Self.today)
        #expect(loaded == nil)
        let places = diagnostics.map { "\($0.line):\($0.column) \($0.message)" }
        #expect(
            places == [
                "3:1 unknown key 'membres'",
                "5:17 unknown role 'admin'",
                "6:3 duplicate key 'alice'",
                "7:3 'Bob' is not a valid username",
                "7:16 '2027-13-01' is not a valid date",
                "9:3 group name 'calibration' is longer than 8 characters",
                "9:34 'zed' in group 'calibration' is not in the members roster",
                "9:39 'alice' is listed more than once in group 'calibration'",
                "11:17 'max_removals' must be 0 or more, found -3",
            ])
    }

    @Test func aDiagnosticReadsLikeACompilerMessage() {
        let diagnostic = Diagnostic.error(
            "unknown key 'membres'", file: "teams/m1234.yaml", line: 3, column: 1, hint: "did you mean 'members'?")
        #expect(
            diagnostic.description
                == "teams/m1234.yaml:3:1: error: unknown key 'membres'\n  hint: did you mean 'members'?")
        let warning = Diagnostic.warning("w", file: "a.yaml", line: 2, column: 5)
        #expect(warning.description == "a.yaml:2:5: warning: w")
    }
}
