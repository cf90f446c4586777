/// Why the local cache could not be used.
public enum CacheError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another teamctl process held the writer lock for longer than the wait allowed.
    case busy(path: String, waited: Double)
    /// The cache file or its folder could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// A stored row could not be read back.
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .busy(let path, let waited):
            return "another teamctl process is writing the cache \(path) (waited \(waited) s); "
                + "let it finish, then retry"
        case .cannotOpen(let path, let reason): return "cannot open the cache \(path): \(reason)"
        case .corrupt(let path, let reason):
            return "the cache \(path) holds a row teamctl cannot read (\(reason)); move the file aside and run "
                + "'teamctl refresh' to start a new cache"
        }
    }
}
