import Foundation

/// The slurmrestd accounting API versions ``SlurmRESTChannel`` speaks, with every spelling that differs between them
/// (`../shared/reference/slurm.md` §1, §3, §4, §6).
public enum SlurmRESTVersion: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// `openapi/dbv0.0.38`: Slurm 22.05 to 23.11 (removed in 24.05).
    case dbv0_0_38 = "dbv0.0.38"
    /// data_parser v0.0.40: Slurm 23.11 to 25.05.
    case v0_0_40 = "v0.0.40"
    /// data_parser v0.0.41: Slurm 24.05 to 25.11.
    case v0_0_41 = "v0.0.41"
    /// data_parser v0.0.42: Slurm 24.11 to 26.05.
    case v0_0_42 = "v0.0.42"

    /// Newest first: the order detection tries them in, so the newest a server offers wins.
    public static let newestFirst: [SlurmRESTVersion] = [.v0_0_42, .v0_0_41, .v0_0_40, .dbv0_0_38]

    /// Parses a version as a user writes it: `v0.0.41`, `0.0.41`, `dbv0.0.38`, `v0.0.38`.
    public init?(apiVersion text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let bare =
            trimmed.hasPrefix("dbv")
            ? String(trimmed.dropFirst(3))
            : trimmed.hasPrefix("v")
                ? String(trimmed.dropFirst()) : trimmed
        switch bare {
        case "0.0.38": self = .dbv0_0_38
        case "0.0.40": self = .v0_0_40
        case "0.0.41": self = .v0_0_41
        case "0.0.42": self = .v0_0_42
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// The path every call of this version starts with, without leading or trailing slash. The dbv0.0.38 plugin
    /// serves `/slurmdb/v0.0.38/`.
    var pathPrefix: String { isLegacy ? "slurmdb/v0.0.38" : "slurmdb/\(rawValue)" }

    /// Whether this is 22.05's `dbv0.0.38`, whose shapes and gaps differ most (§4).
    var isLegacy: Bool { self == .dbv0_0_38 }

    /// Query flags that make `GET accounts/` include associations and coordinators; the other version's spelling is
    /// ignored with a warning (§3). `account/{name}` and `users/` keep `with_assocs`/`with_coords` everywhere.
    var accountsListFlags: String {
        switch self {
        case .dbv0_0_38: return ""  // always included
        case .v0_0_40: return "with_assocs&with_coords"
        case .v0_0_41, .v0_0_42: return "WithAssociations&WithCoordinators"
        }
    }

    /// The association query flag that adds `accounting[]` (usage); nil where slurmrestd reports no usage (§3, §4).
    var usageFlag: String? {
        switch self {
        case .dbv0_0_38: return nil
        case .v0_0_40, .v0_0_41: return "with_usage"
        case .v0_0_42: return "Include%20usage"
        }
    }
}
