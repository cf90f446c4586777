import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where slurmrestd's JSON Web Token comes from: a fixed value (e.g. `SLURM_JWT`) or a file of mode 0600 that is
/// read on first use and read again, once, when slurmrestd refuses the token (a renewed token may have been written
/// there meanwhile, e.g. by a cron job running `scontrol token`).
///
/// Neither its description nor any error it throws shows the token.
public actor SlurmJWTSource: CustomStringConvertible {
    private enum Origin: Sendable {
        case fixed
        case file(String)
    }

    private let origin: Origin
    private var cached: String?

    /// A fixed token.
    public init(token: String) {
        origin = .fixed
        cached = token.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A token read from `path`, which must be a regular file of mode 0600. Accepts the bare token or the
    /// `SLURM_JWT=<token>` line `scontrol token` prints.
    public init(file path: String) {
        origin = .file(path)
        cached = nil
    }

    /// `SLURM_JWT` from the environment, or nil when it is unset or empty.
    public static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> SlurmJWTSource?
    {
        guard let token = environment["SLURM_JWT"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        else { return nil }
        return SlurmJWTSource(token: token)
    }

    public nonisolated var description: String {
        switch origin {
        case .fixed: return "SlurmJWTSource(fixed token, not shown)"
        case .file(let path): return "SlurmJWTSource(file \(path), token not shown)"
        }
    }

    /// Where the token comes from, for messages.
    nonisolated var originDescription: String {
        switch origin {
        case .fixed: return "the given token (SLURM_JWT)"
        case .file(let path): return "the token file \(path)"
        }
    }

    /// The token to send.
    func token() throws -> String {
        if let cached { return cached }
        guard case .file(let path) = origin else {
            throw SlurmError(.authentication, "no slurmrestd token: set SLURM_JWT or give a token file")
        }
        let token = try Self.read(path)
        cached = token
        return token
    }

    /// After slurmrestd refused `rejected`: a different token to try once, or nil when there is none (a fixed token,
    /// or the file still holds the same one).
    func renewed(replacing rejected: String) throws -> String? {
        guard case .file(let path) = origin else { return nil }
        let token = try Self.read(path)
        cached = token
        return token == rejected ? nil : token
    }

    /// Reads a token file after checking it is a regular file of mode exactly 0600 (see ``SecretFile``).
    static func read(_ path: String) throws -> String {
        let data: Data
        switch SecretFile.read(path) {
        case .success(let read): data = read
        case .failure(let problem):
            throw SlurmError(
                .authentication,
                SecretFile.advice(
                    for: problem, what: "the slurmrestd token file", path: path,
                    expected: "the token file ('token_file:' in the profile, e.g. written by 'scontrol token')"))
        }
        var text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("SLURM_JWT=") { text = String(text.dropFirst("SLURM_JWT=".count)) }
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else {
            throw SlurmError(
                .authentication,
                "the slurmrestd token file \(path) does not hold one token (expected the token alone, "
                    + "or SLURM_JWT=<token>)")
        }
        return text
    }
}
