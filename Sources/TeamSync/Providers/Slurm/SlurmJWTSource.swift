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

    /// Reads a token file after checking it is a regular file of mode exactly 0600.
    static func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw SlurmError(.authentication, "cannot read the slurmrestd token file \(path): \(reason)")
        }
        let mode = UInt32(info.st_mode)
        guard mode & UInt32(S_IFMT) == UInt32(S_IFREG) else {
            throw SlurmError(.authentication, "the slurmrestd token file \(path) is not a regular file")
        }
        guard mode & 0o7777 == 0o600 else {
            let octal = String(mode & 0o7777, radix: 8)
            throw SlurmError(
                .authentication,
                "the slurmrestd token file \(path) has mode \(String(repeating: "0", count: max(0, 4 - octal.count)))"
                    + "\(octal); it must be readable by you alone. To fix run: chmod 600 \(path)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SlurmError(.authentication, "cannot read the slurmrestd token file \(path)")
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
