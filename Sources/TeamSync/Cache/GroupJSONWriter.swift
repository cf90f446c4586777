import AccountModels

/// Writes a group's JSON byte for byte as `JSONEncoder` with `.sortedKeys` writes it, without `Encodable`.
///
/// Storing a large refresh encodes every group twice (its cache row, and the content hash): with
/// `JSONEncoder` that was about 9% of the refresh's CPU. Only names of printable ASCII other than `"`,
/// `\` and `/` are written here; they need no escaping, so the JSON is the same with or without
/// `.withoutEscapingSlashes`. A group with any other name answers nil and goes through `JSONEncoder`.
enum GroupJSONWriter {
    /// The group's JSON (`{"gid":…,"name":…,"users":[{"name":…,"uid":…}]}`, `users` left out when nil),
    /// or nil when a name needs escaping.
    static func json(_ group: GroupStats) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(40 + group.name.utf8.count + (group.users?.count ?? 0) * 32)
        out.append(contentsOf: #"{"gid":"#.utf8)
        append(group.gid, to: &out)
        out.append(contentsOf: #","name":""#.utf8)
        guard appendPlain(group.name, to: &out) else { return nil }
        out.append(UInt8(ascii: "\""))
        if let users = group.users {
            out.append(contentsOf: #","users":["#.utf8)
            for (position, user) in users.enumerated() {
                out.append(contentsOf: position == 0 ? #"{"name":""#.utf8 : #",{"name":""#.utf8)
                guard appendPlain(user.name, to: &out) else { return nil }
                out.append(contentsOf: #"","uid":"#.utf8)
                append(user.uid, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Appends `text` when no byte of it needs escaping; false otherwise.
    private static func appendPlain(_ text: String, to out: inout [UInt8]) -> Bool {
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"),
                byte != UInt8(ascii: "/")
            else { return false }
            out.append(byte)
        }
        return true
    }

    /// Integers as `JSONEncoder` writes them: plain decimal (a small string, no heap allocation).
    private static func append(_ value: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }
}
