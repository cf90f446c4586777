/// Edits YAML text in place, line by line, so that everything an edit does not touch stays byte for byte: comments,
/// blank lines, spacing, quoting and key order.
///
/// Every edit composes the current text first, so positions are always those of the text being edited. Lines are
/// split on LF; a CRLF file's lines keep their CR, and lines added to it get one.
struct RosterTextEditor {
    private(set) var lines: [String]
    private let yaml: RosterYAML
    private let lineEnd: String

    init(text: String, file: String) {
        // Split on the scalar: as a Character, CRLF is one grapheme that is not "\n".
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)) }
        yaml = RosterYAML(file: file)
        lineEnd = lines.first?.hasSuffix("\r") == true ? "\r" : ""
    }

    /// The edited text.
    var text: String { lines.joined(separator: "\n") }

    /// The current text's root mapping.
    func root() throws(RosterError) -> [YAMLNode.Pair] {
        try yaml.mapping(try yaml.compose(text), what: "the file")
    }

    /// The key and value of the first pair with this key.
    static func pair(_ key: String, in pairs: [YAMLNode.Pair]) -> YAMLNode.Pair? {
        pairs.first { pair in
            if case .scalar(let scalar) = pair.key { return scalar.string == key }
            return false
        }
    }

    // MARK: - Edits

    /// Sets `key: value` in `mapping`, the value of `owner`: replaces the key's value when it is there, else adds
    /// the pair in the mapping's own style (inside `{...}`, or as a line at the mapping's indentation). An empty
    /// value (`id:`) becomes `{key: value}`. `value` must already be YAML (quoted where needed).
    mutating func set(_ key: String, to value: String, in mapping: YAMLNode, of owner: YAMLNode) throws(RosterError) {
        switch mapping {
        case .mapping(let pairs, let position):
            if let existing = Self.pair(key, in: pairs) {
                guard case .scalar(let scalar) = existing.value else {
                    throw yaml.error(at: existing.value, "'\(key)' here is not a single value; set it by hand")
                }
                let range = try columns(of: scalar)
                replace(line: scalar.position.line, columns: range, with: value)
            } else if isFlow(mapping) {
                let close = try closingBrace(of: position)
                let last = lastNonSpace(before: close)
                if last == position, close.line == position.line {  // `{}` or `{ }`
                    replace(line: close.line, columns: position.column..<(close.column - 1), with: "\(key): \(value)")
                } else if last == position {
                    replace(
                        line: close.line, columns: (close.column - 1)..<(close.column - 1), with: "\(key): \(value)")
                } else {
                    let text = body(last.line)
                    let separator = text[last.column - 1] == "," ? " " : ", "  // `{role: pi, }` has its comma
                    replace(line: last.line, columns: last.column..<last.column, with: separator + "\(key): \(value)")
                }
            } else {
                let indent = position.column - 1
                let end = lastContentLine(from: position.line, minimumIndent: indent)
                insert([String(repeating: " ", count: indent) + "\(key): \(value)"], after: end)
            }
        case .scalar(let scalar) where scalar.isPlain && ["", "~", "null"].contains(scalar.string):
            guard case .scalar(let keyScalar) = owner else { throw yaml.error(at: owner, "cannot edit this entry") }
            let line = keyScalar.position.line
            let text = Array(lines[line - 1].unicodeScalars)
            var colon = try columns(of: keyScalar).upperBound
            while colon < text.count, text[colon] != ":" { colon += 1 }
            guard colon < text.count else { throw yaml.error(at: owner, "cannot find the ':' after this key") }
            replace(line: line, columns: (colon + 1)..<contentEnd(line: line), with: " {\(key): \(value)}")
        default:
            throw yaml.error(at: mapping, "this entry is not a mapping; set '\(key)' by hand")
        }
    }

    /// Adds lines after the last entry of a block mapping, each prefixed with the entries' indentation.
    mutating func append(_ entryLines: [String], toBlockMapping mapping: YAMLNode) throws(RosterError) {
        guard case .mapping(let pairs, let position) = mapping, !pairs.isEmpty, !isFlow(mapping) else {
            throw yaml.error(
                at: mapping, "this mapping is empty or written in flow style ({...}); cannot add an entry in its style",
                hint: "add one entry by hand as 'id: {}' on its own line, then run again")
        }
        let indent = String(repeating: " ", count: position.column - 1)
        let end = lastContentLine(from: position.line, minimumIndent: position.column - 1)
        insert(entryLines.map { indent + $0 }, after: end)
    }

    /// Whether a mapping is written in flow style, `{...}`.
    func isFlow(_ node: YAMLNode) -> Bool {
        guard case .mapping(_, let position) = node else { return false }
        let text = Array(lines[position.line - 1].unicodeScalars)
        return position.column - 1 < text.count && text[position.column - 1] == "{"
    }

    // MARK: - Lines

    private mutating func replace(line: Int, columns: Range<Int>, with replacement: String) {
        var text = Array(lines[line - 1].unicodeScalars)
        text.replaceSubrange(columns, with: replacement.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text)
        lines[line - 1] = String(view)
    }

    private mutating func insert(_ newLines: [String], after line: Int) {
        lines.insert(contentsOf: newLines.map { $0 + lineEnd }, at: line)
    }

    /// The line's text without a trailing CR.
    private func body(_ line: Int) -> [Unicode.Scalar] {
        var text = Array(lines[line - 1].unicodeScalars)
        if text.last == "\r" { text.removeLast() }
        return text
    }

    private func indent(_ line: Int) -> Int { body(line).prefix { $0 == " " }.count }

    /// Whether a line holds YAML content: not blank and not only a comment.
    private func isContent(_ line: Int) -> Bool {
        let first = body(line).first { $0 != " " && $0 != "\t" }
        return first != nil && first != "#"
    }

    /// The last line of a block that starts at `start`: lines after it belong while content is indented at least
    /// `minimumIndent`. Trailing blank and comment lines are left outside, with whatever follows.
    func lastContentLine(from start: Int, minimumIndent: Int) -> Int {
        var last = start
        var line = start + 1
        while line <= lines.count {
            if isContent(line) {
                if indent(line) < minimumIndent { break }
                last = line
            }
            line += 1
        }
        return last
    }

    /// The 0-based column just after a line's last character of content: before a trailing comment, spaces and CR.
    private func contentEnd(line: Int) -> Int {
        let text = body(line)
        var quote: Unicode.Scalar?
        var end = 0
        var index = 0
        while index < text.count {
            let scalar = text[index]
            if let open = quote {
                if scalar == "\\" && open == "\"" {
                    index += 1
                } else if scalar == open {
                    quote = nil
                }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "#", index == 0 || text[index - 1] == " " || text[index - 1] == "\t" {
                break
            }
            if scalar != " " && scalar != "\t" { end = index + 1 }
            index += 1
        }
        return end
    }

    /// The 0-based columns a single-line scalar takes on its line, quotes included.
    private func columns(of scalar: YAMLNode.Scalar) throws(RosterError) -> Range<Int> {
        let text = body(scalar.position.line)
        let start = scalar.position.column - 1
        guard start < text.count else { throw yaml.error(at: .scalar(scalar), "cannot find this value in the line") }
        let opening = text[start]
        if opening == "'" || opening == "\"" {
            var index = start + 1
            while index < text.count {
                if opening == "\"", text[index] == "\\" {
                    index += 2
                    continue
                }
                if text[index] == opening {
                    if opening == "'", index + 1 < text.count, text[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    return start..<(index + 1)
                }
                index += 1
            }
        } else {
            let end = start + scalar.string.unicodeScalars.count
            if end <= text.count, text[start..<end].elementsEqual(scalar.string.unicodeScalars) { return start..<end }
        }
        throw yaml.error(
            at: .scalar(scalar), "this value spans lines or is written in a way roster diff does not edit",
            hint: "write it on one line, then run again")
    }

    /// Where the `}` that closes the flow mapping opening at `open` is: its line and 1-based column.
    private func closingBrace(of open: SourcePosition) throws(RosterError) -> SourcePosition {
        var depth = 0
        var quote: Unicode.Scalar?
        var line = open.line
        var index = open.column - 1
        while line <= lines.count {
            let text = body(line)
            while index < text.count {
                let scalar = text[index]
                if let opening = quote {
                    if scalar == "\\", opening == "\"" {
                        index += 1
                    } else if scalar == opening {
                        quote = nil
                    }
                } else {
                    switch scalar {
                    case "'", "\"": quote = scalar
                    case "{", "[": depth += 1
                    case "}", "]":
                        depth -= 1
                        if depth == 0 { return SourcePosition(line: line, column: index + 1) }
                    case "#" where index > 0 && (text[index - 1] == " " || text[index - 1] == "\t"):
                        index = text.count
                        continue
                    default: break
                    }
                }
                index += 1
            }
            line += 1
            index = 0
        }
        throw RosterError(
            file: yaml.file, line: open.line, column: open.column, message: "cannot find where this mapping ends")
    }

    /// The last character of content before `position`: its line and 1-based column.
    private func lastNonSpace(before position: SourcePosition) -> SourcePosition {
        var line = position.line
        var column = position.column - 1
        while line >= 1 {
            let text = body(line)
            var index = min(column, text.count) - 1
            while index >= 0 {
                if text[index] != " " && text[index] != "\t" { return SourcePosition(line: line, column: index + 1) }
                index -= 1
            }
            line -= 1
            column = line >= 1 ? body(line).count : 0
        }
        return position
    }
}
