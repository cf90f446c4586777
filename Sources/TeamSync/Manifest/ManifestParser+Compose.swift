import Foundation
import Yams

extension ManifestParser {
    /// How many duplicate keys one file may have reported before the rest are left unreported.
    static let maxDuplicateKeys = 20

    /// Composes the YAML node tree, reporting syntax errors; nil when there is nothing to check further.
    ///
    /// Yams refuses a mapping with a repeated key outright, naming only the first occurrence. To still report
    /// every problem, the repeated occurrence is found in the text, reported, and masked with unique
    /// same-width characters (so no position moves); composing then resumes and `entries(of:allowed:)`
    /// skips the masked key.
    mutating func compose(_ original: String) -> Node? {
        var text = original
        // Each duplicate costs a full parse; keep the extra parsing to about 4 MiB whatever the file's size.
        let attempts = min(Self.maxDuplicateKeys, (4 << 20) / max(1, original.utf8.count))
        for attempt in 0...attempts {
            do {
                // The basic resolver tags every plain scalar as text: values are read as text here anyway,
                // and it spares Yams a round of regular expressions per key when it hashes mapping keys.
                let parser = try Parser(yaml: text, resolver: .basic)
                guard let root = try parser.singleRoot(), !isNull(root) else {
                    report(
                        .error, "the manifest is empty", at: SourcePosition(line: 1, column: 1),
                        hint: "a manifest starts with 'version: 1', 'project: NAME' and 'members:'")
                    return nil
                }
                return root
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let key = duplicates.first ?? ""
                let first = SourcePosition(line: context.mark.line, column: context.mark.column)
                guard attempt < attempts,
                    let repeated = DuplicateKeyMask.repeatedKey(after: first, key: key, in: text),
                    let masked = DuplicateKeyMask.mask(repeated, in: text, seed: attempt)
                else {
                    report(
                        .error, "duplicate key \(quote(key))", at: first,
                        hint: "each key may appear once in a mapping; remove or rename the repeated one")
                    return nil
                }
                report(
                    .error, "duplicate key \(quote(key))", at: repeated.position,
                    hint: "first defined at line \(first.line)")
                maskedKeys.insert(repeated.position)
                text = masked
            } catch let error as YamlError {
                report(yamlError: error)
                return nil
            } catch {
                report(.error, "cannot parse the YAML: \(error)", at: SourcePosition(line: 1, column: 1))
                return nil
            }
        }
        return nil
    }

    /// Reports a Yams error as a diagnostic at the problem's mark, without echoing the (possibly huge) text.
    mutating func report(yamlError: YamlError) {
        func context(_ context: YamlError.Context?) -> String {
            guard let context else { return "" }
            return " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch yamlError {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _):
            report(
                .error, "invalid YAML: \(problem)\(context(ctx))",
                at: SourcePosition(line: mark.line, column: mark.column),
                hint: problem.contains("Maximum nesting level")
                    ? "a team manifest needs at most 4 levels; this does not look like one" : nil)
        case .composer(let ctx, let problem, let mark, _):
            if ctx?.text == "expected a single document in the stream" {
                report(
                    .error, "the file holds more than one YAML document; a manifest is one document",
                    at: SourcePosition(line: mark.line, column: mark.column),
                    hint: "put each project in its own file, or remove the '---' line")
            } else {
                report(
                    .error, "invalid YAML: \(problem)\(context(ctx))",
                    at: SourcePosition(line: mark.line, column: mark.column))
            }
        case .reader(let problem, _, _, _):
            report(.error, "invalid YAML: \(problem)", at: SourcePosition(line: 1, column: 1))
        default:
            report(.error, "cannot parse the YAML: \(yamlError)", at: SourcePosition(line: 1, column: 1))
        }
    }
}

/// Finds the repeated occurrence of a mapping key in the text and masks it, so composing can go on.
enum DuplicateKeyMask {
    /// A key's spelling in the text: where it starts and how many scalars to mask from there.
    struct Occurrence: Equatable {
        var position: SourcePosition
        /// The first masked column (after an opening quote) and how many scalars to mask.
        var maskColumn: Int
        var maskLength: Int
    }

    /// The next occurrence of `key` in the same mapping as the one at `first`: in a block mapping, at the same
    /// column on a later line before the mapping ends; in a flow mapping, after a later `,` at the same depth.
    static func repeatedKey(after first: SourcePosition, key: String, in text: String) -> Occurrence? {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let lineIndex = first.line - 1
        let columnIndex = first.column - 1
        guard lines.indices.contains(lineIndex), lines[lineIndex].indices.contains(columnIndex) else { return nil }
        let opening = lines[lineIndex]
        guard let token = token(in: opening, at: columnIndex, key: key) else { return nil }
        let before = opening[..<columnIndex].last { $0 != " " && $0 != "\t" }
        if before == "{" || before == "," {
            return flowRepeat(of: token, key: key, lines: lines, from: (lineIndex, columnIndex + token.count))
        }
        for index in (lineIndex + 1)..<lines.count {
            let line = lines[index]
            guard let start = line.firstIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { continue }
            if line[start] == "#" { continue }
            if start < columnIndex { return nil }
            if start == columnIndex, let found = match(token, key: key, in: line, at: start, line: index) {
                return found
            }
        }
        return nil
    }

    /// The key as written at `column`: plain, or quoted with `'` or `"`.
    private static func token(in line: [Unicode.Scalar], at column: Int, key: String) -> [Unicode.Scalar]? {
        let first = line[column]
        if first == "\"" || first == "'" {
            guard let end = line[(column + 1)...].firstIndex(of: first) else { return nil }
            return Array(line[column...end])
        }
        let keyScalars = Array(key.unicodeScalars)
        return line[column...].starts(with: keyScalars) ? keyScalars : nil
    }

    /// The token at `start` followed by optional spaces and `:`.
    private static func match(
        _ token: [Unicode.Scalar], key: String, in line: [Unicode.Scalar], at start: Int, line index: Int
    ) -> Occurrence? {
        guard line[start...].starts(with: token) else { return nil }
        var after = start + token.count
        while after < line.count, line[after] == " " || line[after] == "\t" { after += 1 }
        guard after < line.count, line[after] == ":" else { return nil }
        let quoted = token.first == "\"" || token.first == "'"
        let length = quoted ? token.count - 2 : token.count
        guard length > 0 else { return nil }
        return Occurrence(
            position: SourcePosition(line: index + 1, column: start + 1),
            maskColumn: start + 1 + (quoted ? 1 : 0), maskLength: length)
    }

    private static func flowRepeat(
        of token: [Unicode.Scalar], key: String, lines: [[Unicode.Scalar]], from start: (line: Int, column: Int)
    ) -> Occurrence? {
        var depth = 0
        var afterComma = false
        for lineIndex in start.line..<lines.count {
            let line = lines[lineIndex]
            var column = lineIndex == start.line ? start.column : 0
            while column < line.count {
                let scalar = line[column]
                if afterComma, scalar != " ", scalar != "\t", scalar != "\r" {
                    afterComma = false
                    if let found = match(token, key: key, in: line, at: column, line: lineIndex) { return found }
                }
                switch scalar {
                case "{", "[": depth += 1
                case "}", "]":
                    if depth == 0 { return nil }
                    depth -= 1
                case "," where depth == 0: afterComma = true
                default: break
                }
                column += 1
            }
        }
        return nil
    }

    /// The text with the occurrence's key replaced by private-use characters, unique per `seed`.
    static func mask(_ occurrence: Occurrence, in text: String, seed: Int) -> String? {
        guard let filler = Unicode.Scalar(0xE000 + UInt32(seed % 6000)) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 3 * occurrence.maskLength)
        var line = 1
        var column = 1
        var masked = 0
        for scalar in text.unicodeScalars {
            let inMask =
                line == occurrence.position.line && column >= occurrence.maskColumn
                && column < occurrence.maskColumn + occurrence.maskLength
            if inMask { masked += 1 }
            UTF8.encode(inMask ? filler : scalar) { bytes.append($0) }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        guard masked == occurrence.maskLength else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
