import Foundation
import Testing
import Yams

@testable import TeamSync

/// The manifest composer reads libyaml's events itself; these check it builds the tree Yams would, with the same
/// positions, and reports what is not one YAML document.
struct YAMLComposerTests {
    /// `YAMLNode.outline` of Yams' tree, composed with the resolver manifests used before (everything is text).
    static func outline(_ node: Yams.Node) -> String {
        let mark = node.mark.map { "@\($0.line):\($0.column)" } ?? "@?"
        switch node {
        case .scalar(let scalar):
            return (scalar.style == .plain || scalar.style == .any ? "" : "q") + "'\(scalar.string)'\(mark)"
        case .sequence(let sequence): return "[" + sequence.map(outline).joined(separator: ", ") + "]\(mark)"
        case .mapping(let mapping):
            return "{" + mapping.map { outline($0.key) + ": " + outline($0.value) }.joined(separator: ", ") + "}\(mark)"
        case .alias: return "*alias"
        }
    }

    static let documents = [
        "version: 1\nproject: m1\nmembers:\n  alice: {role: pi}\n  bob: {}\n",
        "a: [1, 'two', \"three\"]\nb:\n  - x\n  - {y: z}\n  -\n    - nested\nc: ~\nd: 'null'\ne:\n",
        "# comment\nkey: |\n  literal\n  text\nfolded: >\n  one\n  two\nplain: multi\n  line\n",
        "k: \"esc\\taped \\u00e9\"\nunicode: héllo wörld\n'quoted key': 1\n? explicit\n: value\n",
        "---\nlist:\n- a\n- b\n...\n",
        "{flow: {nested: [a, b]}, other: 1}",
        "tagged: !!str 5\nlocal: !thing x\n",
    ]

    @Test(arguments: documents)
    func buildsTheTreeYamsBuilds(_ text: String) throws {
        let ours = try #require(try YAMLComposer.singleDocument(in: text))
        let yams = try #require(try Yams.Parser(yaml: text, resolver: .basic).singleRoot())
        #expect(ours.outline == Self.outline(yams))
    }

    @Test func buildsTheTreeYamsBuildsForTheExamplesAndFixtures() throws {
        let files =
            [ManifestFixtures.examplesDirectory + "/team.yaml", ManifestFixtures.examplesDirectory + "/facility.yaml"]
            + (try ["valid/full.yaml", "valid/minimal.yaml"].map(ManifestFixtures.path))
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let ours = try #require(try YAMLComposer.singleDocument(in: text))
            let yams = try #require(try Yams.Parser(yaml: text, resolver: .basic).singleRoot())
            #expect(ours.outline == Self.outline(yams), "\(file)")
        }
    }

    @Test func repeatedKeysAreKeptInOrder() throws {
        let root = try #require(try YAMLComposer.singleDocument(in: "a: 1\nb: 2\na: 3\n"))
        #expect(root.outline == "{'a'@1:1: '1'@1:4, 'b'@2:1: '2'@2:4, 'a'@3:1: '3'@3:4}@1:1")
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n"])
    func aTextWithoutADocumentHasNoRoot(_ text: String) throws {
        #expect(try YAMLComposer.singleDocument(in: text) == nil)
    }

    @Test func aSecondDocumentIsReportedWhereItStarts() {
        #expect(
            throws: YAMLSyntaxError(
                kind: .anotherDocument, problem: "found another document",
                position: SourcePosition(line: 3, column: 1))
        ) {
            try YAMLComposer.singleDocument(in: "a: 1\nb: 2\n---\nc: 3\n")
        }
    }

    @Test func aSyntaxErrorCarriesItsProblemContextAndPositions() throws {
        let error = try #require(throws: YAMLSyntaxError.self) {
            try YAMLComposer.singleDocument(in: "members:\n  alice: {role: pi\n  bob: {}\n")
        }
        #expect(error.kind == .syntax)
        #expect(error.problem == "did not find expected ',' or '}'")
        #expect(error.context == "while parsing a flow mapping")
        #expect(error.contextPosition == SourcePosition(line: 2, column: 10))
        #expect(error.position == SourcePosition(line: 3, column: 6))
    }

    @Test func aControlCharacterIsPositionedOnItsLine() throws {
        let error = try #require(throws: YAMLSyntaxError.self) {
            try YAMLComposer.singleDocument(in: "version: 1\nproject: é1\u{07}\n")
        }
        #expect(error.problem == "control characters are not allowed")
        #expect(error.position == SourcePosition(line: 2, column: 12))
    }

    @Test func anAliasIsNeverResolved() throws {
        let error = try #require(throws: YAMLSyntaxError.self) {
            try YAMLComposer.singleDocument(in: "a: &x 1\nb: *x\n")
        }
        #expect(error.problem == "found undefined alias")
        #expect(error.position == SourcePosition(line: 2, column: 4))
    }
}
