/// Why the local cache could not be used.
public enum CacheError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another teamctl process held the writer lock for longer than the wait allowed.
    case busy(path: String, waited: Double)
    /// The cache file or its folder could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// A stored row could not be read back.
    case corrupt(path: String, reason: String)
    /// The cache may be read but not written by this process: `reason` says why (its mode, its folder, the file
    /// system).
    case readOnly(path: String, reason: String)
    /// A newer teamctl recorded migrations this one does not know: reading is all this version does with it.
    case newerVersion(path: String, unknown: [String], newestKnown: String)

    /// Why, in a few words, for a read-only cache; empty otherwise.
    public var reason: String {
        switch self {
        case .readOnly(_, let reason), .cannotOpen(_, let reason), .corrupt(_, let reason): return reason
        case .newerVersion(_, let unknown, _): return "a newer teamctl wrote it (\(unknown.joined(separator: ", ")))"
        case .busy: return ""
        }
    }

    public var description: String {
        switch self {
        case .busy(let path, let waited):
            return "another teamctl process is writing the cache \(path) (waited \(waited) s); "
                + "let it finish, then retry"
        case .cannotOpen(let path, let reason): return "cannot open the cache \(path): \(reason)"
        case .corrupt(let path, let reason):
            return "the cache \(path) holds a row teamctl cannot read (\(reason)); move the file aside and run "
                + "'teamctl refresh' to start a new cache"
        case .readOnly(let path, let reason):
            return "the cache \(path) is read-only here (\(reason)) and this command writes to it; commands that only "
                + "read it work as they are (history, drift, status, usage, plan --no-refresh). To "
                + "write, make it writable (chmod u+w \(path) and its folder) or use another --cache"
        case .newerVersion(let path, let unknown, let known):
            return "this cache was written by a newer teamctl (migration \(unknown.joined(separator: ", ")) unknown; "
                + "this teamctl knows up to \(known)), so it writes nothing to \(path); upgrade teamctl or use "
                + "another --cache"
        }
    }
}
