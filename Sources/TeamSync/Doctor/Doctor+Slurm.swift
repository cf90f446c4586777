import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The checks for a `provider: slurm` profile: how teamctl authenticates (the token file's mode, `SLURM_JWT`, or
/// the sacctmgr executable munge identifies), the cache, and whether the channel answers as the configured user.
extension Doctor {
    func slurmChecks(_ settings: ConnectionSettings, _ slurm: SlurmSettings) async -> [DoctorCheck] {
        var checks = [slurmCredentials(slurm), cache(settings)]
        if checks[0].outcome == .failed {
            checks.append(DoctorCheck("facility", .skipped, "needs credentials; fix them first"))
            return checks
        }
        let provider = SlurmProvider(
            facility: settings.profile, settings: slurm, transport: transport, dryRun: true, environment: environment)
        let report = (try? await provider.statusReport())
        if let status = report?.accountSystem, status.isActive {
            checks.append(
                DoctorCheck(
                    "facility", .ok,
                    "\(report?.source ?? "slurm") answers for cluster \(slurm.cluster), acting as \(provider.caller)"))
        } else {
            checks.append(
                DoctorCheck(
                    "facility", .failed,
                    "cannot reach Slurm accounting for cluster \(slurm.cluster) "
                        + "(\(report?.accountSystemReason ?? "no answer")): check the profile's url or sacctmgr, "
                        + "the token, and that slurmdbd runs"))
        }
        return checks
    }

    /// slurmrestd needs a token: a file of mode 0600, or `SLURM_JWT`. sacctmgr needs to be executable.
    func slurmCredentials(_ slurm: SlurmSettings) -> DoctorCheck {
        if slurm.url != nil {
            if let file = slurm.tokenFile {
                switch SecretFile.check(file) {
                case nil: break
                case .missing?:
                    return DoctorCheck(
                        "token", .failed,
                        "no token file at \(file): write one with 'scontrol token > \(file)' and 'chmod 600 \(file)'")
                case let problem?:
                    return DoctorCheck(
                        "token", .failed,
                        SecretFile.advice(
                            for: problem, what: "the token file", path: file,
                            expected: "the token file ('token_file:' in the profile, e.g. written by 'scontrol token')")
                    )
                }
                return DoctorCheck("token", .ok, "\(file): mode 600 (token not shown)")
            }
            guard let jwt = environment["SLURM_JWT"], !jwt.isEmpty else {
                return DoctorCheck(
                    "token", .failed,
                    "no slurmrestd token: set 'token_file:' in the profile (mode 0600) or SLURM_JWT")
            }
            return DoctorCheck("token", .ok, "SLURM_JWT is set (not shown)")
        }
        let path = slurm.sacctmgr ?? "sacctmgr"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return DoctorCheck(
                "sacctmgr", .failed, "\(path) is not an executable file: fix the profile's sacctmgr path")
        }
        return DoctorCheck("sacctmgr", .ok, "\(path) is executable; munge tells slurmdbd who runs it")
    }
}
