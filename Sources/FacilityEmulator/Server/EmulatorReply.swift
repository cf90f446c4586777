import Foundation

/// An answer the emulator has decided on, before it is turned into an HTTP response.
struct EmulatorReply: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: Data
    /// Whether the request changed the facility's state.
    var effect: Bool = false

    /// A JSON answer.
    static func json(_ value: some Encodable, status: Int = 200, effect: Bool = false) -> EmulatorReply {
        do {
            return EmulatorReply(status: status, body: try JSONCoding.encoder.encode(value), effect: effect)
        } catch {
            return .error(500, "could not encode the answer: \(error)")
        }
    }

    /// A FastAPI-style error: `{"detail": "<message>"}`.
    static func error(_ status: Int, _ detail: String, headers: [String: String] = [:]) -> EmulatorReply {
        var reply = json(["detail": detail], status: status)
        reply.headers.merge(headers) { _, new in new }
        return reply
    }

    /// A FastAPI validation error (422): `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`.
    static func validation(_ issues: [SFAPIWire.ValidationIssue]) -> EmulatorReply {
        json(SFAPIWire.ValidationFailure(detail: issues), status: 422)
    }

    /// A 422 for one missing form field.
    static func missingField(_ name: String, in location: String = "body") -> EmulatorReply {
        validation([
            SFAPIWire.ValidationIssue(loc: [location, name], msg: "field required", type: "value_error.missing")
        ])
    }

    /// An OAuth token endpoint error: both the OAuth `error` code and a FastAPI `detail`.
    static func oauthError(_ status: Int, code: String, _ detail: String) -> EmulatorReply {
        json(["error": code, "error_description": detail, "detail": detail], status: status)
    }
}

/// The emulator's JSON settings: sorted keys, so answers are stable byte for byte.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    static let decoder = JSONDecoder()
}
