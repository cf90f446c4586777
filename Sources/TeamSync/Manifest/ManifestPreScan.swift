/// A cheap, linear pass over a manifest's raw text that refuses what could make YAML parsing explode.
///
/// Anchors and aliases have no use in a manifest, and an alias bomb ("billion laughs") is the classic way to
/// make a YAML loader explode. So anchors are refused here, with a clear message, before libyaml runs;
/// without an anchor no alias can resolve, and `YAMLComposer` treats any alias as undefined. The scan is conservative: it may refuse
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
        var text = text
        return text.withUTF8 { scan($0, limits: limits) }
    }

    /// The scan over UTF-8 bytes. Every character it looks for is ASCII except three line breaks
    /// (U+0085, U+2028, U+2029) that count as token boundaries; columns count Unicode scalars.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, limits: ManifestLimits) -> Refusal? {
        let newline = UInt8(ascii: "\n")
        var depth = 0
        var lineNumber = 1
        var column = 0  // scalars before the current one on this line
        var lineStart = 0
        var lineHasQuote: Bool?
        var previous: UInt32?  // the previous scalar on this line
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline {
                lineNumber += 1
                column = 0
                lineStart = index + 1
                lineHasQuote = nil
                previous = nil
                index += 1
                continue
            }
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            // Any YAML break or space (libyaml also breaks lines at CR, NEL, LS and PS) or flow indicator.
            let atTokenStart = previous.map(isTokenBoundary) ?? true
            if byte == UInt8(ascii: "#"), previous == nil || previous == 0x20 || previous == 0x09 {
                let hasQuote = lineHasQuote ?? lineContainsQuote(bytes, from: lineStart)
                lineHasQuote = hasQuote
                if !hasQuote {
                    // The rest of the line is a comment.
                    while index < bytes.count, bytes[index] != newline { index += 1 }
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: "&") where atTokenStart:
                if index + 1 < bytes.count, bytes[index + 1] != newline,
                    !" \t\r,[]{}".utf8.contains(bytes[index + 1])
                {
                    return Refusal(
                        line: lineNumber, column: column + 1,
                        message: "YAML anchors and aliases are not allowed in a manifest",
                        hint: "write each value out in full; if this '&' is in a comment or a quoted value, "
                            + "put a space after it")
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limits.maxNesting {
                    return Refusal(
                        line: lineNumber, column: column + 1,
                        message: "the manifest is nested more than \(limits.maxNesting) levels deep",
                        hint: "a team manifest needs at most 4 levels; this does not look like one")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            previous = scalarValue(bytes, at: index, length: length)
            column += 1
            index += length
        }
        return nil
    }

    /// The scalar at `index` when it is ASCII or one of the three non-ASCII breaks; otherwise a value
    /// that is neither (the scan needs no other).
    private static func scalarValue(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> UInt32 {
        let byte = bytes[index]
        if length == 1 { return UInt32(byte) }
        if length == 2, byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 { return 0x85 }
        if length == 3, byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
            bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
        {
            return 0x2000 + UInt32(bytes[index + 2] - 0x80)
        }
        return 0x11_0000
    }

    private static func isTokenBoundary(_ scalar: UInt32) -> Bool {
        switch scalar {
        // space, tab, CR, NEL, LS, PS, [, {, comma, colon
        case 0x20, 0x09, 0x0D, 0x85, 0x2028, 0x2029, 0x5B, 0x7B, 0x2C, 0x3A: return true
        default: return false
        }
    }

    private static func lineContainsQuote(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { return true }
            index += 1
        }
        return false
    }
}
