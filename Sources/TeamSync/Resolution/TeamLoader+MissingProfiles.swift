import AccountModels
import Foundation

extension TeamLoader {
    /// Validates a team the way `teamctl validate` does: like ``validate(path:today:profiles:profilesSource:only:limits:)``,
    /// except that a facility with no profile is a warning, not an error, so a newcomer's first check of a team works
    /// on a machine with no config file. Such a facility is checked as far as it can be without its back end: its
    /// project, members, usernames and groups, but not which aspects its back end holds. `plan`, `apply` and every
    /// other command still refuse it (they use ``load(path:today:profiles:profilesSource:only:)``).
    public static func validateWithoutAllProfiles(
        path: String, today: CalendarDay, profiles: [String: FacilityTraits], profilesSource: String,
        limits: ManifestLimits = .standard, peopleOutside: Bool = false
    ) -> (team: ResolvedTeam?, diagnostics: [Diagnostic]) {
        var warnings: [Diagnostic] = []
        var allProfiles = profiles
        if case .text(let text) = ManifestFile.read(path, limits: limits),
            let team = ManifestParser.parseTeam(text, file: path, today: today, limits: limits).team
        {
            let known = profiles.keys.sorted()
            for name in team.spec.facilities.keys.sorted() where profiles[name] == nil {
                // Every aspect allowed: what the back end holds is the one thing that cannot be checked without it.
                allProfiles[name] = FacilityTraits(provider: "", holds: Set(ProviderCapabilities.Aspect.allCases))
                let place = team.facilityLocations[name] ?? SourcePosition(line: 0, column: 0)
                let defined = known.isEmpty ? "" : " (it defines \(known.joined(separator: ", ")))"
                warnings.append(
                    .warning(
                        "facility '\(name)' is not a profile in \(profilesSource)\(defined); checked without its "
                            + "back end's rules, and plan and apply will refuse it until it is one",
                        file: path, line: place.line, column: place.column,
                        hint: "add it under 'profiles:' in \(profilesSource): "
                            + ProviderFactory.profileExamples(name: name) + " (see the README)"))
            }
        }
        let (team, diagnostics) = validate(
            path: path, today: today, profiles: allProfiles, profilesSource: profilesSource, limits: limits,
            peopleOutside: peopleOutside)
        return (team, warnings + diagnostics)
    }
}
