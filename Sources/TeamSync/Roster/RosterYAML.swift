import AccountModels
import Foundation

/// Reads the few shapes the roster feature needs from composed YAML, turning a wrong shape into a `RosterError`
/// that points at the node.
struct RosterYAML {
    /// The file being read, for errors.
    var file: String

    /// A file's text; a file that cannot be read or is not UTF-8 is an error.
    static func readText(_ path: String) throws(RosterError) -> String {
        switch ManifestFile.read(path, limits: .standard) {
        case .text(let text): return text
        case .refused(let diagnostic):
            throw RosterError(
                file: path, line: diagnostic.line, column: diagnostic.column, message: diagnostic.message,
                hint: diagnostic.hint)
        }
    }

    /// The text's one document; a text with no document (empty, or only comments) is an error.
    func compose(_ text: String) throws(RosterError) -> YAMLNode {
        let root: YAMLNode?
        do {
            root = try YAMLComposer.singleDocument(in: text)
        } catch let error as YAMLSyntaxError {
            throw RosterError(
                file: file, line: error.position.line, column: error.position.column,
                message: "not valid YAML: \(error.problem)" + (error.context.map { " (\($0))" } ?? ""))
        } catch {
            throw RosterError(file: file, message: "not valid YAML")
        }
        guard let root else { throw RosterError(file: file, line: 1, message: "the file holds no YAML document") }
        return root
    }

    /// An error at a node.
    func error(at node: YAMLNode, _ message: String, hint: String? = nil) -> RosterError {
        RosterError(file: file, line: node.position.line, column: node.position.column, message: message, hint: hint)
    }

    /// The pairs of a mapping node.
    func mapping(_ node: YAMLNode, what: String) throws(RosterError) -> [YAMLNode.Pair] {
        guard case .mapping(let pairs, _) = node else { throw error(at: node, "\(what) must be a mapping") }
        return pairs
    }

    /// The pairs of a mapping node; an empty value (`id:`) counts as an empty mapping.
    func mappingOrNull(_ node: YAMLNode, what: String) throws(RosterError) -> [YAMLNode.Pair] {
        if case .scalar(let scalar) = node, scalar.isPlain, ["", "~", "null"].contains(scalar.string) { return [] }
        return try mapping(node, what: what)
    }

    /// The text of a scalar node.
    func scalar(_ node: YAMLNode, what: String) throws(RosterError) -> String {
        guard case .scalar(let scalar) = node else { throw error(at: node, "\(what) must be a single value") }
        return scalar.string
    }

    /// The items of a sequence node.
    func sequence(_ node: YAMLNode, what: String) throws(RosterError) -> [YAMLNode] {
        guard case .sequence(let items, _) = node else { throw error(at: node, "\(what) must be a list") }
        return items
    }

    /// A `YYYY-MM-DD` scalar.
    func day(_ node: YAMLNode, what: String) throws(RosterError) -> CalendarDay {
        let text = try scalar(node, what: what)
        guard let day = CalendarDay(text) else {
            throw error(at: node, "\(what) '\(text)' is not a date", hint: "write it as YYYY-MM-DD")
        }
        return day
    }

    /// The value of the first pair with this key.
    static func value(_ key: String, in pairs: [YAMLNode.Pair]) -> YAMLNode? {
        pairs.first { pair in
            if case .scalar(let scalar) = pair.key { return scalar.string == key }
            return false
        }?.value
    }
}

extension RosterYAML {
    /// A value as YAML writes it in a block or inside `{...}`: plain when it reads back as the same text in both,
    /// else double-quoted.
    static func quoted(_ value: String) -> String {
        let reserved: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"]
        let scalars = value.unicodeScalars
        let plainSafe =
            scalars.first.map { $0.properties.isAlphabetic || $0 == "_" } == true
            && scalars.last != " "
            && scalars.allSatisfy { scalar in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || " ._-@+'’".unicodeScalars.contains(scalar)
            }
            && !value.contains("  ")
            && !reserved.contains(value.lowercased())
        if plainSafe { return value }
        var quoted = "\""
        for scalar in scalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}
