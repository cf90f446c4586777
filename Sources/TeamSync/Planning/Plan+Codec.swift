import AccountModels
import Crypto
import Foundation

/// Why a saved plan could not be read.
public enum PlanLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The data is not JSON, or not a teamctl plan.
    case notAPlan(String)
    /// The plan was written in a format this teamctl does not read.
    case unsupportedVersion(Int)
    /// The plan is JSON with the right version but a field is missing or of the wrong type.
    case malformed(String)
    /// The content does not match its `planID`: the file was edited after `teamctl plan` wrote it. (The id the
    /// content hashes to is not kept: a message that printed it would tell whoever edited the file what to write.)
    case edited(recorded: String)
    /// The summary does not count what the changes, manual items, warnings and refusals hold: the fields that differ.
    case summaryMismatch([String])

    public var description: String {
        switch self {
        case .notAPlan(let reason):
            return "not a teamctl plan file (\(reason)); write one with 'teamctl plan --format json --out PATH'"
        case .unsupportedVersion(let version):
            return "plan format version \(version) is not supported: this teamctl reads version "
                + "\(Plan.currentFormatVersion); make the plan again with this teamctl"
        case .malformed(let reason):
            return "the plan file is damaged: \(reason); make the plan again with 'teamctl plan'"
        case .edited:
            return "the plan file was changed after it was made: its content does not match its planID; apply only "
                + "plans as 'teamctl plan' wrote them, or make a new one"
        case .summaryMismatch(let fields):
            return "the plan's summary does not count its changes (\(fields.joined(separator: ", ")) differ): the file "
                + "was edited after it was made; apply only plans as 'teamctl plan' wrote them, or make a new one"
        }
    }
}

extension Plan {
    /// The encoder for plan files: pretty, sorted keys, slashes unescaped, so output is stable byte for byte.
    public static func makeEncoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        return encoder
    }

    /// The plan as a saved plan file (pretty JSON with sorted keys, ending in a newline).
    public func jsonData() throws -> Data {
        var data = try Plan.makeEncoder().encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a saved plan, checking its format version, that it was not edited (its `planID`) and that its summary
    /// counts its content. (That proves only that the file is as some teamctl wrote it: whether its changes are what
    /// the manifests ask for is for `apply` to prove, see ``TeamWorkflow/prove(_:check:)``.)
    public static func load(from data: Data) throws -> Plan {
        struct Header: Decodable { var formatVersion: Int? }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw PlanLoadError.notAPlan("it is not a JSON object")
        }
        guard let version = header.formatVersion else { throw PlanLoadError.notAPlan("it has no formatVersion") }
        guard version == currentFormatVersion else { throw PlanLoadError.unsupportedVersion(version) }
        let plan: Plan
        do {
            plan = try JSONDecoder().decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw PlanLoadError.malformed(error.plainDescription)
        }
        try plan.checkIntegrity()
        return plan
    }

    /// Throws when the content does not hash to `planID` or the summary does not count the content.
    func checkIntegrity() throws {
        guard computedPlanID() == planID else { throw PlanLoadError.edited(recorded: planID) }
        let counted = PlanSummary(changes: changes, manualItems: manualItems, warnings: warnings, refusals: refusals)
        let differing = summary.differences(from: counted)
        guard differing.isEmpty else { throw PlanLoadError.summaryMismatch(differing) }
    }

    /// The hash of everything in the plan except `planID` and `createdAt`: same content, same id.
    func computedPlanID() -> String {
        var content = self
        content.planID = ""
        content.createdAt = nil
        return Self.shortHash(of: (try? Plan.makeEncoder(pretty: false).encode(content)) ?? Data())
    }

    /// The SHA-256 of `data`, in hex.
    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The first 8 bytes of the SHA-256 of `data`, in hex: the form of every plan id.
    static func shortHash(of data: Data) -> String {
        SHA256.hash(data: data).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Formats seconds since 1970 as ISO 8601 UTC (`2026-11-25T10:00:00Z`) without locale or time zone lookups.
    public static func isoTimestamp(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secondOfDay = whole - days * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = CalendarDay(daysSinceEpoch: days)
        return "\(day)T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}

extension PlanSummary {
    /// The names of the fields whose counts differ from `other`'s.
    func differences(from other: PlanSummary) -> [String] {
        let fields: [(String, KeyPath<PlanSummary, Int>)] = [
            ("groupsToCreate", \.groupsToCreate), ("groupsToChange", \.groupsToChange),
            ("membersToAdd", \.membersToAdd), ("membersToRemove", \.membersToRemove),
            ("rosterChanges", \.rosterChanges), ("permissionChanges", \.permissionChanges),
            ("limitChanges", \.limitChanges), ("manualItems", \.manualItems), ("warnings", \.warnings),
            ("refusals", \.refusals),
        ]
        return fields.filter { self[keyPath: $0.1] != other[keyPath: $0.1] }.map(\.0)
    }
}

extension DecodingError {
    /// Names the field that failed as a dotted path, without echoing values.
    var plainDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return parts.isEmpty ? "the top level" : parts.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context): return "'\(path(context.codingPath + [key]))' is missing"
        case .typeMismatch(_, let context): return "'\(path(context.codingPath))' has the wrong type"
        case .valueNotFound(_, let context): return "'\(path(context.codingPath))' is null"
        case .dataCorrupted(let context):
            return "'\(path(context.codingPath))' is invalid: \(context.debugDescription)"
        @unknown default: return "it could not be decoded"
        }
    }
}
