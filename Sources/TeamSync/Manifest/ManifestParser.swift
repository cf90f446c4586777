import AccountModels
import Foundation

/// Turns one manifest file's text into a `TeamManifest`, reporting every problem at its exact position.
///
/// It reads a YAML node tree (which carries line and column marks) by hand instead of decoding, so that
/// each diagnostic points at the key or value it is about and one bad entry does not hide the next.
struct ManifestParser {
    /// What parsing one file found.
    struct Outcome {
        /// The manifest, when the file has no errors.
        var loaded: LoadedManifest?
        /// Every problem, in the order found.
        var diagnostics: [Diagnostic]
    }

    let file: String
    let today: CalendarDay
    let limits: ManifestLimits
    var diagnostics: [Diagnostic] = []
    /// Diagnostics past `limits.maxDiagnosticsPerFile`, counted instead of kept.
    var droppedDiagnostics = 0
    var droppedAnError = false
    /// The document's first line as a short, escaped excerpt (see `describeRoot`).
    var firstLineExcerpt = ""
    var memberLocations: [String: SourcePosition] = [:]
    var groupLocations: [String: SourcePosition] = [:]

    static let topLevelKeys = [
        "version", "project", "facility", "members", "groups", "permissions", "policy", "limits",
    ]
    static let memberKeys = ["role", "until", "limits"]
    static let limitKeys = LimitResource.allCases.map(\.rawValue)
    static let groupKeys = ["members", "mode"]
    static let policyKeys = ["protected", "max_removals"]

    /// Parses and checks one file's text.
    static func parse(_ text: String, file: String, today: CalendarDay, limits: ManifestLimits) -> Outcome {
        var parser = ManifestParser(file: file, today: today, limits: limits)
        var loaded: LoadedManifest?
        if let root = parser.document(text) { loaded = parser.manifest(from: root) }
        let diagnostics = parser.finishedDiagnostics()
        let failed = diagnostics.contains { $0.severity == .error }
        return Outcome(loaded: failed ? nil : loaded, diagnostics: diagnostics)
    }

    /// The diagnostics sorted top to bottom, with a last one counting those past the limit.
    mutating func finishedDiagnostics() -> [Diagnostic] {
        // Checking walks the tree section by section; report like a compiler, top to bottom (ties keep their order).
        diagnostics = diagnostics.enumerated()
            .sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            .map(\.element)
        if droppedDiagnostics > 0 {
            diagnostics.append(
                Diagnostic(
                    severity: droppedAnError ? .error : .warning, file: file, line: 0, column: 0,
                    message: "\(droppedDiagnostics) more problems not shown",
                    hint: "fix the ones above and run 'teamctl validate' again"))
        }
        return diagnostics
    }

    /// The text's one YAML document, checked before composing; nil (after reporting why) when there is none to read.
    mutating func document(_ text: String) -> YAMLNode? {
        // A byte order mark (some Windows editors write one) is not part of the document.
        var text = text
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        firstLineExcerpt = text.excerptForMessage()
        if let refusal = ManifestPreScan.refusal(for: text, limits: limits) {
            report(
                .error, refusal.message, at: SourcePosition(line: refusal.line, column: refusal.column),
                hint: refusal.hint)
            return nil
        }
        return compose(text)
    }

    // MARK: - Reporting

    mutating func report(
        _ severity: Diagnostic.Severity, _ message: String, at position: SourcePosition, hint: String? = nil
    ) {
        guard diagnostics.count < limits.maxDiagnosticsPerFile else {
            droppedDiagnostics += 1
            droppedAnError = droppedAnError || severity == .error
            return
        }
        diagnostics.append(
            Diagnostic(
                severity: severity, file: file, line: position.line, column: position.column,
                message: message, hint: hint))
    }

    mutating func error(_ message: String, at node: YAMLNode, hint: String? = nil) {
        report(.error, message, at: node.position, hint: hint)
    }

    /// How a node reads in a message: `a mapping`, `a list`, `an empty value` or the quoted value itself.
    func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): isNull(node) ? "an empty value" : quote(scalar.string)
        }
    }

    /// How a root that is not a mapping reads in a message. A file that is not YAML at all (a key, a password file,
    /// an `.env`) composes to one long text value, folded from all its lines; only a short excerpt of its first line
    /// is quoted, escaped, never the rest.
    func describeRoot(_ node: YAMLNode) -> String {
        guard case .scalar = node, !isNull(node) else { return describe(node) }
        return "'\(firstLineExcerpt)'"
    }

    /// A value in single quotes, shortened so a huge value cannot flood the output.
    func quote(_ text: String) -> String {
        let shown =
            text.unicodeScalars.count > 40
            ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "..." : text
        return "'\(shown)'"
    }

    func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node, scalar.isPlain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    // MARK: - Reading nodes

    /// One key and value of a mapping whose key is text.
    struct Entry {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
        var keyPosition: SourcePosition
    }

    /// The mapping's entries, reporting keys that are not text, unknown (with a suggestion) or repeated.
    mutating func entries(of pairs: [YAMLNode.Pair], allowed: [String]?) -> [Entry] {
        var result: [Entry] = []
        var seen: [String: SourcePosition] = [:]
        result.reserveCapacity(pairs.count)
        seen.reserveCapacity(pairs.count)
        for pair in pairs {
            let (keyNode, value) = (pair.key, pair.value)
            let keyPosition = keyNode.position
            guard case .scalar(let scalar) = keyNode else {
                error("expected a name as the key here, found \(describe(keyNode))", at: keyNode)
                continue
            }
            guard checkLength(scalar.string, at: keyNode) else { continue }
            let key = scalar.string
            if let allowed, !allowed.contains(key) {
                let hint =
                    Suggestion.closest(to: key, among: allowed).map { "did you mean '\($0)'?" }
                    ?? "allowed keys here: " + allowed.joined(separator: ", ")
                error("unknown key \(quote(key))", at: keyNode, hint: hint)
                continue
            }
            if let first = seen[key] {
                error("duplicate key \(quote(key))", at: keyNode, hint: "first defined at line \(first.line)")
                continue
            }
            seen[key] = keyPosition
            result.append(Entry(key: key, keyNode: keyNode, value: value, keyPosition: keyPosition))
        }
        return result
    }

    /// Reports a value longer than the limit; true when the length is fine.
    mutating func checkLength(_ text: String, at node: YAMLNode) -> Bool {
        let length = text.unicodeScalars.count
        guard length > limits.maxScalarLength else { return true }
        error("value is too long (\(length) characters; at most \(limits.maxScalarLength))", at: node)
        return false
    }

    /// A non-empty text value, or nil after reporting why not.
    mutating func text(_ node: YAMLNode, named name: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error("\(name) must be a text value, found \(describe(node))", at: node)
            return nil
        }
        if isNull(node) {
            error("\(name) has no value", at: node)
            return nil
        }
        guard checkLength(scalar.string, at: node) else { return nil }
        return scalar.string
    }

    /// A whole number, or nil after reporting why not.
    mutating func integer(_ node: YAMLNode, named name: String) -> Int? {
        guard case .scalar(let scalar) = node, scalar.isPlain,
            scalar.string.unicodeScalars.count <= 20, let value = Int(scalar.string)
        else {
            error("\(name) must be a whole number, found \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// A list of usernames (scalars), each with its node; reports entries that are not text.
    mutating func usernames(_ node: YAMLNode, in context: String) -> [(name: String, node: YAMLNode)] {
        guard case .sequence(let sequence, _) = node else { return [] }
        var result: [(name: String, node: YAMLNode)] = []
        var seen: Set<String> = []
        for item in sequence {
            guard case .scalar(let scalar) = item, !isNull(item) else {
                error("expected a username in \(context), found \(describe(item))", at: item)
                continue
            }
            guard checkLength(scalar.string, at: item) else { continue }
            guard seen.insert(scalar.string).inserted else {
                error("\(quote(scalar.string)) is listed more than once in \(context)", at: item)
                continue
            }
            result.append((scalar.string, item))
        }
        return result
    }
}

// MARK: - Names

extension ManifestParser {
    /// Unix usernames as NERSC issues them: lowercase letters, digits, `_` and `-`, not starting with a digit or `-`.
    static func isUsername(_ name: String) -> Bool {
        // Called once per member and group entry, so it walks the scalars without copying them.
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            guard count <= 32 else { return false }
            let allowed =
                count == 1
                ? scalar == "_" || ("a"..."z").contains(scalar)
                : ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            guard allowed else { return false }
        }
        return count > 0
    }

    /// NERSC project (repo) names: letters, digits and `_`, starting with a letter, e.g. `m1234`.
    static func isProjectName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 32, first.isASCIILetter else { return false }
        return scalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Whether every character may appear in a Unix group name: ASCII letters, digits, `_` and `-`.
    static func hasGroupNameCharacters(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
