import AccountModels
import Foundation
import TeamSync
import Yams

/// One fuzz input run through the manifest parser and validator, and the properties every outcome must have.
///
/// Whatever the bytes, `check` must return without crashing, and:
/// - every diagnostic names a place (line and column not negative) and says something;
/// - no diagnostic is longer than `maxMessageLength`, so a huge scalar is never echoed back;
/// - there are at most `maxDiagnosticsPerFile` + 1 diagnostics (the last one sums up the rest);
/// - a manifest accepted without errors, written out by `ManifestEncoder` and read again, is the same manifest;
/// - teamctl's YAML composer agrees with Yams (the same libyaml, composed by Yams): both accept or both refuse,
///   and when both accept they build the same tree, with the same positions.
///
/// Both the libFuzzer entry point and the corpus replayer call this, so a crash found by one is reproduced by
/// the other.
enum ManifestFuzz {
    /// The day expiry dates are judged against; fixed so a run can be repeated.
    static let today = CalendarDay(year: 2026, month: 11, day: 25) ?? CalendarDay(year: 2000, month: 1, day: 1)!
    /// The limits the fuzzer runs with: teamctl's own.
    static let limits = ManifestLimits.standard
    /// The longest diagnostic (message plus hint) allowed; far above any real one.
    static let maxMessageLength = 2_000

    /// Runs one input; returns a description of each broken property (empty when all hold).
    static func check(_ bytes: UnsafeRawBufferPointer) -> [String] {
        // A file larger than the limit never reaches the parser (ManifestFile refuses it by size).
        guard bytes.count <= limits.maxFileBytes else { return [] }
        // Lossy decoding lets invalid UTF-8 still exercise the parser; ManifestFile refuses such files
        // earlier, so this tests more than teamctl ever parses.
        let text = String(decoding: bytes, as: UTF8.self)
        return check(text: text)
    }

    /// Runs one input given as text.
    static func check(text: String) -> [String] {
        var broken: [String] = []
        let (loaded, diagnostics) = ManifestLoader.validate(
            text: text, file: "fuzz.yaml", today: today, limits: limits)
        if diagnostics.count > limits.maxDiagnosticsPerFile + 1 {
            broken.append("\(diagnostics.count) diagnostics; at most \(limits.maxDiagnosticsPerFile + 1) expected")
        }
        for diagnostic in diagnostics {
            if diagnostic.line < 0 || diagnostic.column < 0 {
                broken.append("a diagnostic at \(diagnostic.line):\(diagnostic.column): \(diagnostic.message)")
            }
            if diagnostic.message.isEmpty { broken.append("a diagnostic without a message") }
            let length = diagnostic.message.count + (diagnostic.hint?.count ?? 0)
            if length > maxMessageLength {
                broken.append("a diagnostic of \(length) characters: \(diagnostic.message.prefix(200))...")
            }
        }
        broken += compareWithYams(text)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        if let loaded, !hasErrors {
            broken += roundTrip(loaded.manifest)
        }
        return broken
    }

    /// Composes the text with `YAMLComposer` and with Yams; what one accepts the other must accept, as the same tree.
    ///
    /// Yams refuses repeated keys where the composer keeps them, and resolves anchors and aliases, which the
    /// composer never sees (they are refused before composing); such texts are not compared.
    static func compareWithYams(_ text: String) -> [String] {
        guard !text.contains("&"), !text.contains("*") else { return [] }
        let ours = Result { try YAMLComposer.singleDocument(in: text) }
        let theirs = Result { try Yams.Parser(yaml: text, resolver: .basic).singleRoot() }
        switch (ours, theirs) {
        case (.success(let node), .success(let yamsNode)):
            // Yams decodes each scalar with Foundation's String(bytes:encoding:), which drops a leading byte order
            // mark; the composer keeps it (and the checker then refuses the invisible character). Compare without.
            func comparable(_ outline: String) -> String { outline.replacingOccurrences(of: "'\u{FEFF}", with: "'") }
            let (mine, yams) = (comparable(node?.outline ?? "none"), comparable(yamsNode.map(outline) ?? "none"))
            return mine == yams
                ? [] : ["the composer's tree differs from Yams': \(mine.prefix(300)) vs \(yams.prefix(300))"]
        case (.failure, .failure), (.success, .failure(YamlError.duplicatedKeysInMapping)):
            return []
        case (.failure(let error), .success):
            return ["the composer refuses what Yams accepts: \(String(describing: error).prefix(300))"]
        case (.success, .failure(let error)):
            return ["the composer accepts what Yams refuses: \(String(describing: error).prefix(300))"]
        }
    }

    /// Yams' tree in `YAMLNode.outline`'s form.
    static func outline(_ node: Yams.Node) -> String {
        let at = node.mark.map { "@\($0.line):\($0.column)" } ?? "@?"
        switch node {
        case .scalar(let scalar):
            return (scalar.style == .plain || scalar.style == .any ? "" : "q") + "'\(scalar.string)'\(at)"
        case .sequence(let items): return "[" + items.map(outline).joined(separator: ", ") + "]\(at)"
        case .mapping(let pairs):
            return "{" + pairs.map { outline($0.key) + ": " + outline($0.value) }.joined(separator: ", ") + "}\(at)"
        case .alias: return "*alias"
        }
    }

    /// Writes an accepted manifest out and reads it back; the two must be equal.
    static func roundTrip(_ manifest: TeamManifest) -> [String] {
        let yaml: String
        do {
            yaml = try ManifestEncoder.yaml(manifest)
        } catch {
            return ["an accepted manifest could not be encoded: \(error)"]
        }
        let (again, diagnostics) = ManifestLoader.validate(
            text: yaml, file: "roundtrip.yaml", today: today, limits: limits)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            return ["the encoded manifest is refused: \(errors.map(\.description).joined(separator: "; "))\n\(yaml)"]
        }
        guard let again else { return ["the encoded manifest gave no manifest and no error\n\(yaml)"] }
        if again.manifest != manifest {
            return ["the manifest changed in a round trip through ManifestEncoder\n\(yaml)"]
        }
        return []
    }
}
