import Foundation

/// A JSON value as slurmrestd sends it. Kept untyped where the client must echo a record back (an association's
/// whole `max` object) or where versions disagree on a field's type (`is_default` 1/0 or a bool, limits as plain
/// numbers, `null` or `{set, infinite, number}`).
enum SlurmRESTJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([SlurmRESTJSON])
    case object([String: SlurmRESTJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([SlurmRESTJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: SlurmRESTJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object; nil for anything else or a missing key.
    subscript(key: String) -> SlurmRESTJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value at a `/`-separated path of object keys, e.g. `max/tres/group/minutes`.
    func value(at path: String) -> SlurmRESTJSON? {
        var current: SlurmRESTJSON? = self
        for key in path.split(separator: "/") { current = current?[String(key)] }
        return current
    }

    /// A copy with the value at a `/`-separated path of object keys replaced, creating objects on the way.
    func setting(_ path: some StringProtocol, to newValue: SlurmRESTJSON) -> SlurmRESTJSON {
        let keys = path.split(separator: "/", maxSplits: 1)
        guard let first = keys.first else { return newValue }
        var members: [String: SlurmRESTJSON]
        if case .object(let existing) = self { members = existing } else { members = [:] }
        if keys.count == 1 {
            members[String(first)] = newValue
        } else {
            members[String(first)] = (members[String(first)] ?? .object([:])).setting(keys[1], to: newValue)
        }
        return .object(members)
    }

    /// A copy of an object without the given keys.
    func removing(_ keys: Set<String>) -> SlurmRESTJSON {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { !keys.contains($0.key) })
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var array: [SlurmRESTJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var isNull: Bool { self == .null }

    /// A whole number: a plain number (dbv0.0.38, and TRES counts everywhere) or a set, finite
    /// `{set, infinite, number}` (v0.0.40+). Nil for `null`, an unset or an infinite limit.
    var integer: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value): return value.isFinite && value == value.rounded() ? Int64(exactly: value) : nil
        case .object(let members):
            guard members["set"] == .bool(true), members["infinite"] != .bool(true) else { return nil }
            return members["number"]?.integer
        default: return nil
        }
    }

    /// A flag sent as a bool (v0.0.40+) or as 1/0 (dbv0.0.38).
    var flag: Bool {
        switch self {
        case .bool(let value): return value
        case .int(let value): return value != 0
        default: return false
        }
    }

    /// The JSON text, keys sorted so request bodies are stable.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of strings, numbers and containers cannot fail.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// Parses a response body; nil when it is not JSON (slurmrestd answers some failures in plain text).
    static func decode(_ data: Data) -> SlurmRESTJSON? {
        guard !data.isEmpty else { return nil }
        return try? JSONDecoder().decode(SlurmRESTJSON.self, from: data)
    }
}

extension SlurmRESTJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: SlurmRESTJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, SlurmRESTJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
