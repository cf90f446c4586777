import Foundation
import JWTKit

/// Checks a client-credentials `private_key_jwt` assertion the way the facility's token endpoint does:
/// signed RS256 with the client's registered key, `iss` = `sub` = client id, `aud` = the token URL,
/// `exp` in the future, and the client not expired. The assertion itself is never logged or echoed.
struct ClientAssertionVerifier: Sendable {
    /// Why an assertion was refused; the message is safe to send back (it holds no part of the assertion).
    struct Refusal: Error, Equatable {
        var message: String
    }

    /// The claims teamctl and common clients put in an assertion.
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    var clients: [EmulatorSeed.Client]
    /// Token URLs an assertion's `aud` may name (the configured one and the one the request reached).
    var acceptedAudiences: Set<String>

    /// Returns the verified client, or throws a ``Refusal``.
    func verify(_ assertion: String, now: Date) async throws(Refusal) -> EmulatorSeed.Client {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.base64URLDecode(parts[0]),
            let claimsData = Self.base64URLDecode(parts[1])
        else { throw Refusal(message: "client_assertion is not a JWT") }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData), header.alg == "RS256" else {
            throw Refusal(message: "client_assertion must be signed with RS256")
        }
        guard let unverified = try? JSONDecoder().decode(Claims.self, from: claimsData) else {
            throw Refusal(message: "client_assertion must carry iss, sub, aud and exp claims")
        }
        let clientID = unverified.iss.value
        guard let client = clients.first(where: { $0.client_id == clientID }) else {
            throw Refusal(message: "unknown client \(clientID)")
        }
        let keys = JWTKeyCollection()
        do {
            let key = try Self.publicKey(pem: client.public_key_pem)
            await keys.add(rsa: key, digestAlgorithm: .sha256)
        } catch {
            throw Refusal(message: "client \(clientID) has no usable RSA public key in the seed")
        }
        let claims: Claims
        do {
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw Refusal(message: "client_assertion signature does not verify with client \(clientID)'s key")
        }
        guard claims.sub.value == clientID else { throw Refusal(message: "client_assertion sub must equal iss") }
        guard claims.aud.value.contains(where: acceptedAudiences.contains) else {
            throw Refusal(message: "client_assertion aud must be the token endpoint URL")
        }
        guard claims.exp.value > now else { throw Refusal(message: "client_assertion has expired") }
        guard let expiry = Self.parseDate(client.expires_at), expiry > now else {
            throw Refusal(message: "client \(clientID) has expired; create a new client in Iris")
        }
        return client
    }

    private struct Header: Decodable {
        var alg: String
    }

    static func publicKey(pem: String) throws -> Insecure.RSA.PublicKey {
        if pem.contains("PRIVATE KEY") { return try Insecure.RSA.PrivateKey(pem: pem).publicKey }
        return try Insecure.RSA.PublicKey(pem: pem)
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}
