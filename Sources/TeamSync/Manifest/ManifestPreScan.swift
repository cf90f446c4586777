/// A cheap, linear pass over a manifest's raw text that refuses what could make YAML parsing explode.
///
/// Yams builds the whole node tree before we see it, and it hashes mapping keys recursively; an alias
/// bomb ("billion laughs") used as a key would take exponential time inside Yams. So anchors are refused
/// here, before Yams runs: without an anchor no alias can resolve. The scan is conservative: it may refuse
/// an `&word` inside a quoted value, never the other way round. It skips a comment only on a line without
/// quote characters, where the `#` cannot be inside a quoted value that closes later on the line.
///
/// It also bounds flow nesting (`[[[[...`); block nesting is bounded by libyaml itself (1000 levels).
enum ManifestPreScan {
    /// A reason to refuse the text, with its 1-based position.
    struct Refusal: Equatable {
        var line: Int
        var column: Int
        var message: String
        var hint: String
    }

    static func refusal(for text: String, limits: ManifestLimits) -> Refusal? {
        var depth = 0
        var lineNumber = 0
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line)
            let hasQuote = scalars.contains { $0 == "\"" || $0 == "'" }
            for index in scalars.indices {
                let scalar = scalars[index]
                let previous: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
                // Any YAML break or space (libyaml also breaks lines at CR, NEL, LS and PS) or flow indicator.
                let atTokenStart =
                    previous.map { " \t\r\u{85}\u{2028}\u{2029}[{,:".unicodeScalars.contains($0) } ?? true
                if scalar == "#", !hasQuote, previous == nil || previous == " " || previous == "\t" {
                    break  // the rest of the line is a comment
                }
                switch scalar {
                case "&" where atTokenStart:
                    let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
                    if let next, !" \t\r,[]{}".unicodeScalars.contains(next) {
                        return Refusal(
                            line: lineNumber, column: index + 1,
                            message: "YAML anchors and aliases are not allowed in a manifest",
                            hint: "write each value out in full; if this '&' is in a comment or a quoted value, "
                                + "put a space after it")
                    }
                case "[", "{":
                    depth += 1
                    if depth > limits.maxNesting {
                        return Refusal(
                            line: lineNumber, column: index + 1,
                            message: "the manifest is nested more than \(limits.maxNesting) levels deep",
                            hint: "a team manifest needs at most 4 levels; this does not look like one")
                    }
                case "]", "}":
                    depth = max(0, depth - 1)
                default:
                    break
                }
            }
        }
        return nil
    }
}
