import Foundation

/// One slurmrestd error entry: `{error_number, error, description, source}` (description and number may be missing).
struct SlurmRESTProblem: Sendable, Hashable {
    var number: Int?
    var error: String?
    var description: String?

    /// Slurm's own words, e.g. `Access/permission denied (2002)` or `Unable to resolve QOS: x (2066)`.
    var text: String {
        var words: [String] = []
        if let error, !error.isEmpty { words.append(error) }
        if let description, !description.isEmpty, description != error,
            !description.hasPrefix("slurmdb_"), !description.hasSuffix(" failed")
        {
            words.append(description)
        }
        if words.isEmpty, let description, !description.isEmpty { words.append(description) }
        let body = words.isEmpty ? "unspecified error" : words.joined(separator: ": ")
        return number.map { "\(body) (\($0))" } ?? body
    }
}

/// A slurmrestd answer, read the same way for every version: the status, the JSON body (when there is one),
/// `errors[]` and `warnings[]`.
struct SlurmRESTResponse: Sendable {
    var status: Int
    var json: SlurmRESTJSON?
    var text: String
    var errors: [SlurmRESTProblem]
    var warnings: [String]
    /// The credentials of the request answered, never to be shown (``Redaction``).
    var secrets: [String]

    /// Reads an answer to `request` (whose credentials its words must never show). A failure's body larger than
    /// ``Redaction/window`` is not parsed: its first bytes are shown.
    init(_ response: HTTPResponse, request: HTTPRequest? = nil) {
        status = response.status
        secrets = request.map { Array(Redaction.secrets(of: $0)) } ?? []
        let failed = response.status >= 400
        json = failed && response.body.count > Redaction.window ? nil : SlurmRESTJSON.decode(response.body)
        text = json == nil ? Redaction.excerpt(of: response.body, secrets: secrets) ?? "" : ""
        errors = (json?["errors"]?.array ?? []).map { entry in
            SlurmRESTProblem(
                number: entry["error_number"]?.integer.map { Int($0) }, error: entry["error"]?.string,
                description: entry["description"]?.string)
        }
        warnings = (json?["warnings"]?.array ?? []).compactMap { $0["description"]?.string }
    }

    /// 304 Not Modified with an empty body: slurmrestd's "nothing changed" (SLURM_NO_CHANGE_IN_DATA, §7).
    var isNotModified: Bool { status == 304 }

    /// Success: 2xx (or 304), no `errors` — 22.05 answers some failures with 200 and a non-empty `errors` (§7) — and
    /// no field ignored as unknown (the other version's spelling is answered 200 with a warning, §3).
    var succeeded: Bool {
        ((200..<300).contains(status) || status == 304) && errors.isEmpty && ignoredFields.isEmpty
    }

    /// "Nothing found" (9003), how 22.05 answers a GET that matches nothing (v0.0.40+ answer 200 and an empty list).
    var isNothingFound: Bool { !errors.isEmpty && errors.allSatisfy { $0.number == 9003 } }

    /// A field this version does not know was ignored: the request meant something the server did not do (§3).
    var ignoredFields: [String] { warnings.filter { $0.hasPrefix("Ignoring unknown field") } }
}

extension SlurmRESTResponse {
    /// The failure this answer means, classified (§2, §4, §5, §7). `action` names what was attempted, e.g.
    /// `POST associations/ (alice in proj1)`; `actor` the X-SLURM-USER-NAME sent.
    func error(action: String, actor: String, endpoint: String) -> SlurmError {
        let numbers = errors.compactMap(\.number)
        // Slurm's words are facility text: short, escaped, without a secret, however many errors it lists.
        let slurmWords =
            errors.isEmpty
            ? (text.isEmpty ? "no details" : text)
            : Redaction.clean(errors.map(\.text).joined(separator: "; "), secrets: secrets)
        let said = "slurmrestd answered HTTP \(status) to \(action)"

        // Authentication: no or malformed header (401), a token slurmdbd refuses (24.11: 502 + 7000 "authentication
        // error"; 22.05: 500 + 1007 "Protocol authentication error").
        let authFailure =
            status == 401
            || numbers.contains(1007)
            || (status == 502
                && errors.contains { ($0.description ?? "").localizedCaseInsensitiveContains("authentication") })
        if authFailure {
            return SlurmError(
                .authentication,
                "\(said): authentication failed for user '\(actor)' (\(slurmWords)). Check that the token is valid, "
                    + "not expired, and minted for '\(actor)' (or for root/SlurmUser), and that \(endpoint) is the "
                    + "slurmrestd you mean",
                errorNumbers: numbers)
        }
        // slurmdbd down or restarting: 502/504 on 24.11; 22.05 answers 500 with 7000 "Failed connecting to slurmdbd"
        // or the socket's errno (111 connection refused, 11 try again, 104 reset).
        let unreachable = [7000, 111, 11, 104].contains { numbers.contains($0) }
        if status == 502 || status == 503 || status == 504 || unreachable {
            return SlurmError(
                .unavailable,
                "\(said): slurmrestd could not reach slurmdbd (\(slurmWords)); a write may or may not have taken effect",
                errorNumbers: numbers)
        }
        // Unknown QOS: 24.11.5+ 2066 "Invalid qos specification"; 22.05 9001/9003 naming the QOS field.
        let qosParseFailure = errors.contains { problem in
            guard problem.number == 9001 || problem.number == 9003 else { return false }
            let words = (problem.description ?? "") + " " + (problem.error ?? "")
            return words.localizedCaseInsensitiveContains("qos")
        }
        if numbers.contains(2066) || qosParseFailure {
            return SlurmError(
                .unknownQOS, "\(said): a QOS name Slurm does not know (\(slurmWords))", errorNumbers: numbers)
        }
        if numbers.contains(7009) {
            return SlurmError(
                .defaultAccount,
                "\(said): Slurm refuses to remove a user's default account (\(slurmWords)); make another account "
                    + "their default first",
                errorNumbers: numbers)
        }
        if numbers.contains(7001) {
            return SlurmError(
                .jobsRunning, "\(said): jobs are running on the association (\(slurmWords)); retry once they end",
                errorNumbers: numbers)
        }
        if numbers.contains(2002) || numbers.contains(7012) {
            return SlurmError(
                .permissionDenied, "\(said): Slurm refused this to '\(actor)': \(slurmWords)", errorNumbers: numbers)
        }
        if isNothingFound {
            return SlurmError(.notFound, "\(said): \(slurmWords)", errorNumbers: numbers)
        }
        if errors.isEmpty, !ignoredFields.isEmpty {
            return SlurmError(
                .failed,
                "\(said) but ignored part of the request (\(Redaction.clean(ignoredFields.joined(separator: "; "), secrets: secrets))); this teamctl "
                    + "and the server disagree about the API version",
                errorNumbers: numbers)
        }
        return SlurmError(.failed, "\(said): \(slurmWords)", errorNumbers: numbers)
    }
}
