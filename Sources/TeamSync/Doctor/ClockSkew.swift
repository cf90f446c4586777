import Foundation

/// How far the local clock is from a server's, read from the HTTP `Date` header of its answer.
///
/// Client assertions carry the local time (`iat`, `exp` five minutes later), so a token endpoint refuses
/// them when the clock is off by more than its leeway; `teamctl doctor` says so before a refresh fails.
public enum ClockSkew {
    /// The largest difference doctor accepts, in seconds.
    public static let tolerance: Double = 60

    /// Seconds the local clock is ahead of the server's (negative: behind). The server stamped its
    /// answer between `sent` and `received`; the midpoint stands for the moment it did, and the header's
    /// one-second resolution is allowed for, so a sub-second difference is reported as none.
    public static func offset(serverDate: Date, sent: Date, received: Date) -> Double {
        let midpoint = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        let raw = midpoint.timeIntervalSince(serverDate)
        let slack = 1 + received.timeIntervalSince(sent) / 2
        if abs(raw) <= slack { return 0 }
        return raw > 0 ? raw - slack : raw + slack
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires servers to send.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(
            year: year, month: month, day: day, hour: time[0], minute: time[1], second: time[2])
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
