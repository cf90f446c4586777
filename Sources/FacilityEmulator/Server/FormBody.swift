import Foundation

/// An `application/x-www-form-urlencoded` body: `+` is a space, `%XX` a byte; the first value of a field wins.
struct FormBody {
    private var fields: [String: String] = [:]

    init(_ body: Data) {
        let text = String(decoding: body, as: UTF8.self)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if fields[key] == nil { fields[key] = value }
        }
    }

    subscript(name: String) -> String? { fields[name] }

    /// Every field with its first value.
    var allFields: [String: String] { fields }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
