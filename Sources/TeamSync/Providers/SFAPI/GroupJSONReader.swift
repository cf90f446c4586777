import AccountModels
import Foundation

/// Reads the facility's group answers (`GroupStats`, `GroupList`) straight from their bytes.
///
/// A refresh reads hundreds of groups and the caller's own list carries tens of thousands of members;
/// `JSONDecoder` spent about 7% of a large refresh's CPU on them, part of it before any by-name read
/// could start. This reader handles the plain shape the facility sends and answers nil for anything
/// else (an escape in a string, a non-ASCII byte, a fraction, a duplicate or missing key, a wrong
/// type, trailing bytes), so the caller decodes that body with `JSONDecoder` as before and gets its
/// exact result or its error. What it does return equals what `JSONDecoder` returns for the same body.
enum GroupJSONReader {
    /// The group in `data`, or nil when the body is not in the plain shape this reader handles.
    static func group(_ data: Data) -> GroupStats? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            scanner.skipSpace()
            guard let group = scanner.groupStats(), scanner.atEnd() else { return nil }
            return group
        }
    }

    /// The groups of a `GroupList` body, or nil when the body is not in the plain shape this reader handles.
    static func groupList(_ data: Data) -> [GroupStats]? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            scanner.skipSpace()
            guard let groups = scanner.groupList(), scanner.atEnd() else { return nil }
            return groups
        }
    }

    /// A cursor over the body. Every method returns nil (or false) on anything outside the plain shape.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// Deeper nesting inside an ignored value is left to `JSONDecoder`.
        static let maxDepth = 32

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func atEnd() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        mutating func groupList() -> [GroupStats]? {
            var groups: [GroupStats]?
            let complete = object { key, scanner in
                guard key == "groups", groups == nil else { return key != "groups" && scanner.skipValue(depth: 1) }
                groups = scanner.array { $0.groupStats() }
                return groups != nil
            }
            return complete ? groups : nil
        }

        mutating func groupStats() -> GroupStats? {
            var gid: Int?, name: String?, users: [UserStats]??
            let complete = object { key, scanner in
                switch key {
                case "gid":
                    guard gid == nil else { return false }
                    gid = scanner.integer()
                    return gid != nil
                case "name":
                    guard name == nil else { return false }
                    name = scanner.string()
                    return name != nil
                case "users":
                    guard users == nil else { return false }
                    if scanner.null() {
                        users = .some(nil)
                        return true
                    }
                    guard let list = scanner.array({ $0.userStats() }) else { return false }
                    users = .some(list)
                    return true
                default:
                    return scanner.skipValue(depth: 1)
                }
            }
            guard complete, let gid, let name else { return nil }
            return GroupStats(gid: gid, name: name, users: users ?? nil)
        }

        mutating func userStats() -> UserStats? {
            var uid: Int?, name: String?
            let complete = object { key, scanner in
                switch key {
                case "uid":
                    guard uid == nil else { return false }
                    uid = scanner.integer()
                    return uid != nil
                case "name":
                    guard name == nil else { return false }
                    name = scanner.string()
                    return name != nil
                default:
                    return scanner.skipValue(depth: 1)
                }
            }
            guard complete, let uid, let name else { return nil }
            return UserStats(uid: uid, name: name)
        }

        // MARK: JSON pieces

        /// Reads `{ "key": value, ... }`, handing each key to `member`, which reads the value.
        mutating func object(_ member: (String, inout Scanner) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            skipSpace()
            if take(UInt8(ascii: "}")) { return true }
            while true {
                skipSpace()
                guard let key = string() else { return false }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return false }
                skipSpace()
                guard member(key, &self) else { return false }
                skipSpace()
                if take(UInt8(ascii: "}")) { return true }
                guard take(UInt8(ascii: ",")) else { return false }
            }
        }

        /// Reads `[ element, ... ]`.
        mutating func array<T>(_ element: (inout Scanner) -> T?) -> [T]? {
            skipSpace()
            guard take(UInt8(ascii: "[")) else { return nil }
            var result: [T] = []
            skipSpace()
            if take(UInt8(ascii: "]")) { return result }
            while true {
                skipSpace()
                guard let value = element(&self) else { return nil }
                result.append(value)
                skipSpace()
                if take(UInt8(ascii: "]")) { return result }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        /// A string of printable ASCII without escapes; nil for anything else.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            return nil
        }

        /// An integer written plainly (`-?(0|[1-9][0-9]*)`) that fits an `Int`; nil for anything else.
        mutating func integer() -> Int? {
            let negative = take(UInt8(ascii: "-"))
            let start = index
            var value = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let digit = Int(bytes[index] - UInt8(ascii: "0"))
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) =
                    negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                guard !overflowTimes, !overflowSum else { return nil }
                value = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, !(digits > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
            if index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
                default: break
                }
            }
            return value
        }

        mutating func null() -> Bool { literal("null") }

        /// Skips any value of a key this reader does not keep, checking it is well formed.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth <= Self.maxDepth, index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return object { _, scanner in scanner.skipValue(depth: depth + 1) }
            case UInt8(ascii: "["):
                return array { scanner -> Bool? in scanner.skipValue(depth: depth + 1) ? true : nil } != nil
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default:
                return number()
            }
        }

        /// Skips a JSON number (`-?(0|[1-9][0-9]*)(.digits)?([eE][+-]?digits)?`).
        mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            let start = index
            let count = digits()
            guard count > 0, !(count > 1 && bytes[start] == UInt8(ascii: "0")) else { return false }
            if take(UInt8(ascii: ".")) { guard digits() > 0 else { return false } }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() > 0 else { return false }
            }
            return true
        }

        mutating func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index - start
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }
    }
}
