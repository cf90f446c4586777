import Foundation
import JWTKit

/// An SF API client's identity: its 13-character id and its RSA private key.
///
/// Its description never shows the key.
public struct ClientKey: Sendable, CustomStringConvertible {
    /// The client id from Iris.
    public var clientId: String
    /// The private key that signs `private_key_jwt` assertions.
    public var privateKey: Insecure.RSA.PrivateKey
    /// The file the key was read from, when it came from a file.
    public var path: String?

    /// Creates a client key.
    public init(clientId: String, privateKey: Insecure.RSA.PrivateKey, path: String? = nil) {
        self.clientId = clientId
        self.privateKey = privateKey
        self.path = path
    }

    public var description: String { "client \(clientId) (key \(path ?? "in memory"), not shown)" }
}

/// Why a key file could not be used. The messages name the file and never show key material.
public enum KeyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No file was given and nothing matched in `~/.superfacility/`.
    case notFound(searched: String)
    /// More than one file matched in `~/.superfacility/`.
    case ambiguous(pattern: String, matches: [String])
    /// The file's mode is not exactly 0600.
    case insecurePermissions(path: String, mode: String)
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file's contents are not a client id plus key.
    case malformed(path: String, reason: String)
    /// The client id is not 13 characters.
    case badClientId(path: String, length: Int)
    /// The path is not a key file at all (a folder, a device, a FIFO, a link to nothing); `advice` says so and what
    /// to give instead.
    case notAFile(path: String, advice: String)

    public var description: String {
        switch self {
        case .notFound(let searched):
            return "no SF API client key found (looked for \(searched)); pass --key FILE or set TEAMCTL_KEY, "
                + "or set TEAMCTL_ACCESS_TOKEN"
        case .ambiguous(let pattern, let matches):
            return "more than one key matches \(pattern): \(matches.joined(separator: ", ")); "
                + "choose one with --key FILE"
        case .insecurePermissions(let path, let mode):
            return "the key file \(path) has mode \(mode); it must be readable by you alone. "
                + "To fix run: chmod 600 \(path)"
        case .unreadable(let path, let reason): return "cannot read the key file \(path): \(reason)"
        case .malformed(let path, let reason): return "the key file \(path) is not usable: \(reason)"
        case .badClientId(let path, let length):
            return "the client id in \(path) has \(length) characters; an SF API client id has 13. "
                + "Download the key again from Iris, or pass --client-id"
        case .notAFile(_, let advice): return advice
        }
    }
}

/// Reads SF API client keys exactly as the Python `sfapi_client` does, so a PI's existing keys work.
///
/// - A path given directly is used if it exists; otherwise the one file matching
///   `~/.superfacility/<name>*` (any file there when `name` is nil).
/// - The file must be a regular file with mode exactly 0600.
/// - A `*.json` file holds `{"client_id": "...", "secret": {<RSA JWK>}}`; any other file holds the client id
///   on its first line followed by the PEM private key.
/// - The client id, stripped of spaces, must be 13 characters.
public struct KeyFile {
    /// Finds and reads a key. `path` is a file path (or a name to look up); `name` a prefix under
    /// `~/.superfacility/`. `clientId` supplies the id for a PEM file that holds only a key.
    public static func load(
        path: String?, name: String?, clientId: String? = nil,
        home: String = KeyFile.homeDirectory()
    ) throws -> ClientKey {
        let file = try locate(path: path, name: name, home: home)
        return try read(file: file, clientId: clientId)
    }

    /// The key file `load` would read.
    public static func locate(path: String?, name: String?, home: String) throws -> String {
        if let path, !path.isEmpty {
            let expanded = expandTilde(path, home: home)
            // Anything at the path (even a link to nothing) is what was meant; reading it says what is wrong.
            if SecretFile.somethingExists(at: expanded) { return expanded }
            // The Python client treats a missing path as a name to look up.
            return try lookUp(prefix: path, home: home)
        }
        return try lookUp(prefix: name ?? "", home: home)
    }

    /// Reads a key file after checking it is a regular file of mode 0600 (see ``SecretFile``).
    public static func read(file: String, clientId explicitId: String? = nil) throws -> ClientKey {
        let data: Data
        switch SecretFile.read(file) {
        case .success(let read): data = read
        case .failure(.insecureMode(let mode)): throw KeyFileError.insecurePermissions(path: file, mode: mode)
        case .failure(.unreadable(let reason)): throw KeyFileError.unreadable(path: file, reason: reason)
        case .failure(let problem):
            throw KeyFileError.notAFile(
                path: file,
                advice: SecretFile.advice(
                    for: problem, what: "the key file", path: file,
                    expected: "the key file (the client id and private key Iris gave you)"))
        }
        let text = String(decoding: data, as: UTF8.self)
        let clientId: String
        let key: Insecure.RSA.PrivateKey
        if file.hasSuffix(".json") {
            (clientId, key) = try readJSON(data, file: file)
        } else {
            (clientId, key) = try readPEM(text, file: file, explicitId: explicitId)
        }
        let id = (explicitId?.isEmpty == false ? explicitId! : clientId).filter { $0 != " " }
        guard id.count == 13 else { throw KeyFileError.badClientId(path: file, length: id.count) }
        return ClientKey(clientId: id, privateKey: key, path: file)
    }

    private static func lookUp(prefix: String, home: String) throws -> String {
        let directory = (home as NSString).appendingPathComponent(".superfacility")
        let pattern = "\(directory)/\(prefix)*"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let matches = names.filter { $0.hasPrefix(prefix) && !$0.hasPrefix(".") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
        guard let first = matches.first else { throw KeyFileError.notFound(searched: pattern) }
        guard matches.count == 1 else { throw KeyFileError.ambiguous(pattern: pattern, matches: matches) }
        return first
    }

    private struct JSONKeyFile: Decodable {
        struct RSAJWK: Decodable {
            var kty: String
            var n: String?
            var e: String?
            var d: String?
            var p: String?
            var q: String?
        }
        var client_id: String
        var secret: RSAJWK
    }

    private static func readJSON(_ data: Data, file: String) throws -> (String, Insecure.RSA.PrivateKey) {
        let parsed: JSONKeyFile
        do {
            parsed = try JSONDecoder().decode(JSONKeyFile.self, from: data)
        } catch {
            throw KeyFileError.malformed(
                path: file, reason: "expected {\"client_id\": \"...\", \"secret\": {an RSA JWK}}")
        }
        guard parsed.secret.kty == "RSA", let n = parsed.secret.n, let e = parsed.secret.e,
            let d = parsed.secret.d
        else {
            throw KeyFileError.malformed(path: file, reason: "the secret is not an RSA private key (kty, n, e, d)")
        }
        do {
            if let p = parsed.secret.p, let q = parsed.secret.q {
                return (
                    parsed.client_id,
                    try Insecure.RSA.PrivateKey(modulus: n, exponent: e, privateExponent: d, prime1: p, prime2: q)
                )
            }
            return (parsed.client_id, try Insecure.RSA.PrivateKey(modulus: n, exponent: e, privateExponent: d))
        } catch {
            throw KeyFileError.malformed(path: file, reason: "the RSA key in it could not be loaded")
        }
    }

    private static func readPEM(
        _ text: String, file: String, explicitId: String?
    ) throws -> (String, Insecure.RSA.PrivateKey) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var clientId = ""
        if let first = lines.first, !first.hasPrefix("-----BEGIN") {
            clientId = first.trimmingCharacters(in: .whitespacesAndNewlines)
            lines.removeFirst()
        } else if explicitId == nil || explicitId?.isEmpty == true {
            throw KeyFileError.malformed(
                path: file, reason: "the first line should be the client id; or pass --client-id")
        }
        let pem = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard pem.hasPrefix("-----BEGIN") else {
            throw KeyFileError.malformed(path: file, reason: "no PEM private key after the client id line")
        }
        do {
            return (clientId, try Insecure.RSA.PrivateKey(pem: pem))
        } catch {
            throw KeyFileError.malformed(path: file, reason: "the PEM private key could not be loaded")
        }
    }

    /// `$HOME` as the Python client's `Path.home()` reads it, else the account's home directory.
    public static func homeDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }

    static func expandTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
