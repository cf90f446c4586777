/// One node of a composed YAML document: only what checking a manifest reads, which is the text of each
/// scalar, the shape of the tree and where each node starts.
///
/// `YAMLComposer` builds it straight from libyaml's events. Unlike Yams' `Node` it carries no tags, anchors or
/// resolver, and a mapping keeps every pair as written, repeated keys included, so that the manifest checker
/// can report each repetition where it is instead of the whole file failing at the first one.
package enum YAMLNode {
    case scalar(Scalar)
    case mapping([Pair], at: SourcePosition)
    case sequence([YAMLNode], at: SourcePosition)

    /// A scalar's text as the document spells it after unquoting and folding.
    package struct Scalar {
        package var string: String
        /// Whether it was written without quotes or block indicators: only plain scalars can mean null or a
        /// number.
        package var isPlain: Bool
        package var position: SourcePosition
    }

    /// One key and its value, in document order.
    package struct Pair {
        package var key: YAMLNode
        package var value: YAMLNode
    }

    /// Where the node starts: its first character, or for a block collection its first entry.
    package var position: SourcePosition {
        switch self {
        case .scalar(let scalar): scalar.position
        case .mapping(_, let position), .sequence(_, let position): position
        }
    }

    /// The tree as one line of text, for comparing trees in tests and the fuzzer: each scalar quoted (with a
    /// `q` before it when it was not plain) and each node followed by `@LINE:COLUMN`.
    package var outline: String {
        let at = "@\(position.line):\(position.column)"
        switch self {
        case .scalar(let scalar): return (scalar.isPlain ? "" : "q") + "'\(scalar.string)'\(at)"
        case .sequence(let items, _): return "[" + items.map(\.outline).joined(separator: ", ") + "]\(at)"
        case .mapping(let pairs, _):
            return "{" + pairs.map { $0.key.outline + ": " + $0.value.outline }.joined(separator: ", ") + "}\(at)"
        }
    }
}
