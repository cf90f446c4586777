import AccountModels
import Foundation

/// What `teamctl drift` prints: the changes made outside teamctl at each facility, newest first.
public struct DriftReport: Sendable, Codable, Hashable {
    /// The JSON schema's version.
    public static let currentSchemaVersion = 1

    /// One event as the JSON shows it: the detector's event with its times as ISO 8601 UTC.
    public struct Entry: Sendable, Codable, Hashable {
        public var facility: String
        public var kind: DriftEvent.Kind
        public var target: String
        public var project: String?
        public var group: String?
        public var user: String?
        public var before: String?
        public var after: String?
        /// When a refresh first saw the change.
        public var firstSeen: String
        /// The day it was first seen, `YYYY-MM-DD` (UTC).
        public var day: String
        /// When the refresh before it ran: the change was made after this.
        public var notBefore: String
        public var message: String

        init(_ event: DriftEvent) {
            facility = event.facility
            kind = event.kind
            target = event.target
            project = event.project
            group = event.group
            user = event.user
            before = event.before
            after = event.after
            firstSeen = Plan.isoTimestamp(event.firstSeenAt)
            day = CalendarDay(utcDayOf: Date(timeIntervalSince1970: event.firstSeenAt)).description
            notBefore = Plan.isoTimestamp(event.notBefore)
            message = event.message
        }
    }

    public var schemaVersion: Int
    /// The first day asked for, if any.
    public var since: String?
    /// The facilities read, sorted.
    public var facilities: [String]
    /// Facilities whose drift could not be read, with why.
    public var unavailable: [String: String]
    /// Every change made outside teamctl, newest first.
    public var events: [Entry]

    /// Creates a report from each facility's events (nil: the back end keeps no comparable snapshots) or error.
    public init(since: CalendarDay?, results: [String: Result<[DriftEvent]?, any Error>]) {
        schemaVersion = Self.currentSchemaVersion
        self.since = since?.description
        facilities = results.keys.sorted()
        var unavailable: [String: String] = [:]
        var events: [DriftEvent] = []
        for (facility, result) in results {
            switch result {
            case .success(let found?): events += found
            case .success(nil): unavailable[facility] = "its back end keeps no snapshots teamctl can compare"
            case .failure(let error): unavailable[facility] = "\(error)"
            }
        }
        self.unavailable = unavailable
        self.events = Self.entries(events)
    }

    /// Events from several facilities as the report lists them: newest first.
    public static func entries(_ events: [DriftEvent]) -> [Entry] {
        events.sorted {
            ($0.firstSeenAt, $0.facility, $0.target, $0.user ?? "") > (
                $1.firstSeenAt, $1.facility, $1.target, $1.user ?? ""
            )
        }.map(Entry.init)
    }

    /// The table people read.
    public func text() -> String {
        var out = ""
        let scope = facilities.joined(separator: ", ").escapedForTerminal
        let window = since.map { " since \($0)" } ?? ""
        if events.isEmpty {
            out += "No changes made outside teamctl at \(scope)\(window).\n"
        } else {
            let noun = events.count == 1 ? "change" : "changes"
            out += "\(events.count) \(noun) made outside teamctl at \(scope)\(window), newest first:\n\n"
            let width = max(8, events.map(\.facility.escapedForTerminal.count).max() ?? 0)
            out +=
                "FIRST SEEN (UTC)      " + "FACILITY".padding(toLength: width, withPad: " ", startingAt: 0)
                + "  CHANGE\n"
            for event in events {
                out += event.firstSeen.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
                    .padding(toLength: 22, withPad: " ", startingAt: 0)
                out += event.facility.escapedForTerminal.padding(toLength: width, withPad: " ", startingAt: 0)
                out += "  \(event.message.escapedForTerminal) (after \(event.notBefore))\n"
            }
        }
        for (facility, reason) in unavailable.sorted(by: { $0.key < $1.key }) {
            out += "\nNot read at \(facility.escapedForTerminal): \(reason.escapedForTerminal)\n"
        }
        return out
    }

    /// The JSON form (`--format json`), documented in docs/drift.md.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
