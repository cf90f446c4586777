import Foundation

/// Hands out bearer tokens for facility calls.
public protocol AccessTokenSource: Sendable {
    /// A valid access token; `forceRenew` asks for a fresh one (after a 401).
    func accessToken(forceRenew: Bool) async throws -> String
    /// Whether asking again with `forceRenew` can produce a different token.
    var canRenew: Bool { get }
    /// A token to use instead of `rejected`, which the facility answered 401 to.
    func renewedToken(replacing rejected: String) async throws -> String
}

extension AccessTokenSource {
    /// Sources renew unless they say otherwise.
    public var canRenew: Bool { true }

    /// By default, a forced renewal.
    public func renewedToken(replacing rejected: String) async throws -> String {
        try await accessToken(forceRenew: true)
    }
}

/// A fixed access token, e.g. from `TEAMCTL_ACCESS_TOKEN`. It cannot be renewed.
public struct StaticTokenSource: AccessTokenSource, CustomStringConvertible {
    private let token: String

    /// Wraps a token.
    public init(token: String) { self.token = token }

    public func accessToken(forceRenew: Bool) async throws -> String { token }
    public var canRenew: Bool { false }
    public var description: String { "StaticTokenSource(token not shown)" }
}

/// A token source for when no credentials could be found: every request for a token throws why.
///
/// Lets commands that need no token (`teamctl status`) run without credentials.
public struct UnavailableTokenSource: AccessTokenSource {
    /// The reason no credentials are available.
    public let reason: any Error & Sendable

    /// Creates a source that always fails with `reason`.
    public init(reason: any Error & Sendable) { self.reason = reason }

    public func accessToken(forceRenew: Bool) async throws -> String { throw reason }
    public var canRenew: Bool { false }
}
