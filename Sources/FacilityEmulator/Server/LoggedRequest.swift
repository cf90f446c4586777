/// One request the emulator answered (or dropped), as `GET /_emulator/requests` lists it.
/// Control requests under `/_emulator/` are not logged. No header, token or body is kept.
public struct LoggedRequest: Codable, Sendable, Hashable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// The username the request was authenticated as, if any.
    public var caller: String?
    /// The status sent; for a dropped request, the status that was withheld.
    public var status: Int
    /// When the request arrived, in seconds since 1970.
    public var time: Double
    /// Whether the request changed the facility's state (`nil` for reads).
    public var effect: Bool?
    /// Whether the connection was closed without an answer (the drop-rate fault).
    public var dropped: Bool

    /// Creates a log entry.
    public init(method: String, path: String, caller: String?, status: Int, time: Double, effect: Bool?, dropped: Bool = false) {
        self.method = method
        self.path = path
        self.caller = caller
        self.status = status
        self.time = time
        self.effect = effect
        self.dropped = dropped
    }
}
