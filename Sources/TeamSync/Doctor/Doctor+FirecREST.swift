import Foundation

/// The checks for a `provider: firecrest` profile: the client secret (a file of mode 0600 or the environment
/// variable), the cache, and whether CSCS answers: a token for the client, FirecREST's systems and the configured
/// system's health.
extension Doctor {
    func firecrestChecks(_ settings: ConnectionSettings, _ firecrest: FirecRESTSettings) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        do {
            let secret = try FirecRESTClientSecret.load(file: firecrest.clientSecretFile, environment: environment)
            checks.append(DoctorCheck("credentials", .ok, "client \(firecrest.clientID), \(secret)"))
        } catch {
            checks.append(DoctorCheck("credentials", .failed, "\(error)"))
        }
        checks.append(cache(settings))
        guard checks[0].outcome != .failed else {
            checks.append(DoctorCheck("facility", .skipped, "needs the client secret; fix it first"))
            return checks
        }
        let provider = FirecRESTProvider(
            facility: settings.profile, settings: firecrest, transport: transport, retry: .none,
            environment: environment)
        do {
            let status = try await provider.accountSystemStatus()
            if status.isActive {
                checks.append(
                    DoctorCheck(
                        "facility", .ok,
                        "FirecREST at \(firecrest.url.host ?? firecrest.url.absoluteString) answers; "
                            + "\(firecrest.system) is healthy"))
            } else {
                checks.append(
                    DoctorCheck(
                        "facility", .warning,
                        "FirecREST answers, but \(firecrest.system) is \(status.state): "
                            + status.notes.joined(separator: "; ")))
            }
        } catch {
            checks.append(
                DoctorCheck(
                    "facility", .failed,
                    "\(error): check the profile's url, token_url, client_id and the client secret"))
        }
        return checks
    }
}
