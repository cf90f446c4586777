// libyaml as Yams bundles it (the `CYaml` module of the pinned Yams package): the same scanner and parser
// Yams runs, read event by event.
import CYaml

/// Why a text is not one well-formed YAML document, with the positions a diagnostic needs.
package struct YAMLSyntaxError: Error, Equatable {
    package enum Kind: Equatable {
        /// The text breaks YAML's grammar (libyaml's reader, scanner or parser refused it).
        case syntax
        /// A second document follows the first.
        case anotherDocument
    }

    package var kind: Kind = .syntax
    /// libyaml's description of the problem, e.g. "mapping values are not allowed in this context".
    package var problem: String
    package var position: SourcePosition
    /// What libyaml was reading when it found the problem, e.g. "while parsing a flow mapping", and where that
    /// started.
    package var context: String?
    package var contextPosition: SourcePosition?
}

/// Composes YAML text into a `YAMLNode` tree by reading libyaml's event stream directly.
///
/// Manifest checking used to compose with Yams, whose tree gives every scalar a tag object and a resolver, and
/// which hashes whole key nodes to refuse a repeated key. For 50 manifests of 5,000 people that was a third of a
/// `teamctl plan`. This composer keeps only text, shape and positions; repeated keys are left in place for the
/// manifest checker to report.
package final class YAMLComposer {
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
    /// Whether `event` holds an event that must be freed before the next is read.
    private var holdsEvent = false
    private let bytes: UnsafeBufferPointer<UInt8>

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        parser.initialize(to: yaml_parser_t())
        event.initialize(to: yaml_event_t())
    }

    deinit {
        if holdsEvent { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    /// The root node of the text's only document; nil when the text holds no document at all.
    ///
    /// - Throws: `YAMLSyntaxError` when the text is not YAML or holds more than one document.
    package static func singleDocument(in text: String) throws -> YAMLNode? {
        var text = text
        return try text.withUTF8 { bytes in
            let composer = YAMLComposer(bytes)
            return try composer.composeSingleDocument()
        }
    }

    private func composeSingleDocument() throws -> YAMLNode? {
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLSyntaxError(problem: "out of memory", position: SourcePosition(line: 1, column: 1))
        }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        _ = try next()  // stream start
        guard try next() == YAML_DOCUMENT_START_EVENT else { return nil }
        _ = try next()
        let root = try node()
        _ = try next()  // document end
        if try next() != YAML_STREAM_END_EVENT {
            throw YAMLSyntaxError(
                kind: .anotherDocument, problem: "found another document", position: position(event.pointee.start_mark))
        }
        return root
    }

    /// Reads the next event into `event`, freeing the one before.
    private func next() throws -> yaml_event_type_t {
        if holdsEvent {
            yaml_event_delete(event)
            holdsEvent = false
        }
        guard yaml_parser_parse(parser, event) == 1 else { throw syntaxError() }
        holdsEvent = true
        return event.pointee.type
    }

    /// The node that starts with the current event, reading events up to its end.
    private func node() throws -> YAMLNode {
        let start = position(event.pointee.start_mark)
        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.pointee.data.scalar
            // libyaml hands out scalars as UTF-8 (the input is UTF-8 already).
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE || scalar.style == YAML_ANY_SCALAR_STYLE
            return .scalar(YAMLNode.Scalar(string: text, isPlain: isPlain, position: start))
        case YAML_SEQUENCE_START_EVENT:
            var items: [YAMLNode] = []
            while try next() != YAML_SEQUENCE_END_EVENT { items.append(try node()) }
            return .sequence(items, at: start)
        case YAML_MAPPING_START_EVENT:
            var pairs: [YAMLNode.Pair] = []
            while try next() != YAML_MAPPING_END_EVENT {
                let key = try node()
                _ = try next()
                pairs.append(YAMLNode.Pair(key: key, value: try node()))
            }
            return .mapping(pairs, at: start)
        case YAML_ALIAS_EVENT:
            // Anchors are refused before composing (see `ManifestPreScan`), so no alias can resolve.
            throw YAMLSyntaxError(problem: "found undefined alias", position: start)
        default:
            // libyaml's grammar puts only the node events above where a node starts.
            throw YAMLSyntaxError(
                problem: "found an unexpected event (\(event.pointee.type.rawValue))", position: start)
        }
    }

    /// libyaml's error, positioned. Marks count from 0 and columns in characters.
    private func syntaxError() -> YAMLSyntaxError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "cannot be read"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLSyntaxError(problem: "out of memory", position: SourcePosition(line: 1, column: 1))
        case YAML_READER_ERROR:
            return YAMLSyntaxError(problem: problem, position: position(ofByte: state.problem_offset))
        default:
            return YAMLSyntaxError(
                problem: problem, position: position(state.problem_mark),
                context: state.context.map { String(cString: $0) },
                contextPosition: state.context == nil ? nil : position(state.context_mark))
        }
    }

    private func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: mark.line + 1, column: mark.column + 1)
    }

    /// The line and column (in Unicode scalars) of a byte offset into the text.
    private func position(ofByte offset: Int) -> SourcePosition {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }
}
