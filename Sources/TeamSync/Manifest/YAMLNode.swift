/// One node of a composed YAML document: only what checking a manifest reads, which is the text of each
/// scalar, the shape of the tree and where each node starts.
///
/// `YAMLComposer` builds it straight from libyaml's events. Unlike Yams' `Node` it carries no tags, anchors or
/// resolver, and a mapping keeps every pair as written, repeated keys included, so that the manifest checker
/// can report each repetition where it is instead of the whole file failing at the first one.
enum YAMLNode {
    case scalar(Scalar)
    case mapping([Pair], at: SourcePosition)
    case sequence([YAMLNode], at: SourcePosition)

    /// A scalar's text as the document spells it after unquoting and folding.
    struct Scalar {
        var string: String
        /// Whether it was written without quotes or block indicators: only plain scalars can mean null or a
        /// number.
        var isPlain: Bool
        var position: SourcePosition
    }

    /// One key and its value, in document order.
    struct Pair {
        var key: YAMLNode
        var value: YAMLNode
    }

    /// Where the node starts: its first character, or for a block collection its first entry.
    var position: SourcePosition {
        switch self {
        case .scalar(let scalar): scalar.position
        case .mapping(_, let position), .sequence(_, let position): position
        }
    }
}
