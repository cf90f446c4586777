/// Escaping for text that came from a facility or a file before it enters what teamctl prints or renders.
///
/// A username, a group name, a person's name or a facility's error message can hold anything. Printed as it is, an
/// escape sequence (`ESC[2J`) clears the screen, a carriage return or a newline forges a line such as
/// `+ add bchen`, and a bidirectional override makes a line read differently from what it holds. Each renderer
/// passes such text through one of these before joining it into its output; JSON output needs none of this, as
/// the encoder escapes every control character itself.
extension String {
    /// The text on one line, with every control character written out: `\n`, `\r`, `\t`, and `\u{1B}` for the
    /// others (C0, DEL, C1), Unicode's bidirectional controls (U+202A-202E, U+2066-2069, U+200E, U+200F,
    /// U+061C) and its line and paragraph separators. A backslash is left as it is.
    ///
    /// For a single value (a name, a message) inside a line teamctl builds; a text without such characters is
    /// returned unchanged.
    public var escapedForTerminal: String { Self.escaping(self, keepingLines: false) }

    /// Like ``escapedForTerminal``, but keeps line feeds and tabs: for a message of several lines (an error and its
    /// hint) whose line breaks are meant. Carriage returns and every other control are still written out.
    public var escapedForTerminalKeepingLines: String { Self.escaping(self, keepingLines: true) }

    /// Whether a scalar is one ``escapedForTerminal`` writes out.
    static func needsTerminalEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func escaping(_ text: String, keepingLines: Bool) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool {
            needsTerminalEscape(scalar) && !(keepingLines && (scalar == "\n" || scalar == "\t"))
        }
        guard text.unicodeScalars.contains(where: escaped) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard escaped(scalar) else {
                out.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "\\u{\(hex.count < 2 ? "0" + hex : hex)}".unicodeScalars)
            }
        }
        return String(out)
    }

    /// A short excerpt for an error message: the first line only, escaped, cut to `limit` characters; `...` marks
    /// that more follows (on the line or after it).
    ///
    /// For quoting a file that turned out not to be what was expected, without echoing more of it than helps.
    public func excerptForMessage(limit: Int = 40) -> String {
        let line = prefix { !$0.isNewline }
        let cut = line.unicodeScalars.count > limit
        let shown = cut ? String(String.UnicodeScalarView(line.unicodeScalars.prefix(limit))) : String(line)
        let more = cut || self[line.endIndex...].contains { !$0.isWhitespace }
        return shown.escapedForTerminal + (more ? "..." : "")
    }
}

/// Escaping for text that came from a facility or a file before it enters Markdown (a pull-request comment).
///
/// The goal is that such text renders as the text it is: it cannot end a code block or a span, start a link, an
/// image, an autolink, HTML or a table cell, nor a new line.
enum MarkdownText {
    /// Text for a paragraph, a list item or a table cell: control characters written out (see
    /// ``Swift/String/escapedForTerminal``), and every character that could start Markdown syntax escaped:
    /// backslash-escapes for `` \ ` * [ ] ! | ~ # `` (and `_` where it could emphasise), `&lt;`/`&gt;`/`&amp;` for
    /// `<`, `>` and `&`, and a backslash before the `:` of `scheme://`, the `@` of an address and the `.` of
    /// `www.`, so that no autolink forms.
    static func inline(_ text: String) -> String {
        let scalars = Array(text.escapedForTerminal.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let before = index > 0 ? scalars[index - 1] : nil
            let after = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "\\", "`", "*", "[", "]", "!", "|", "~", "#", "@":
                out.append("\\")
                out.append(scalar)
            case "_" where !(isAlphanumeric(before) && isAlphanumeric(after)):
                out.append(contentsOf: #"\_"#.unicodeScalars)
            case ":" where after == "/":
                out.append(contentsOf: #"\:"#.unicodeScalars)
            case "." where index >= 3 && isWWW(scalars[(index - 3)..<index]):
                out.append(contentsOf: #"\."#.unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Text inside a code span, with a backtick fence longer than any run of backticks in it (padded with spaces
    /// when it starts or ends with one) and `|` escaped, which GitHub's tables need even inside a span.
    static func code(_ text: String) -> String {
        let content = text.escapedForTerminal.replacingOccurrences(of: "|", with: #"\|"#)
        let fence = String(repeating: "`", count: longestBacktickRun(in: content) + 1)
        let padded = content.hasPrefix("`") || content.hasSuffix("`") ? " \(content) " : content
        return fence + padded + fence
    }

    /// The fence for a fenced code block holding `lines`: three backticks, or one more than the longest run of
    /// backticks in them, so no line can close the block early.
    static func fence(for lines: [String]) -> String {
        String(repeating: "`", count: max(3, (lines.map(longestBacktickRun).max() ?? 0) + 1))
    }

    static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    private static func isWWW(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        scalars.allSatisfy { $0 == "w" || $0 == "W" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }
}
