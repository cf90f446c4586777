import AccountModels
import ArgumentParser
import Foundation
import TeamSync

extension ConnectionOptions {
    /// The config file: its contents and its path.
    func config() throws -> (config: TeamctlConfig, path: String) {
        let path = TeamctlConfig.defaultPath(environment: ProcessInfo.processInfo.environment)
        return (try TeamctlConfig.load(path: path), path)
    }

    /// Loads a team manifest of version 2 and its people file and resolves it against the config's profiles;
    /// prints warnings to standard error. Throws the diagnostics when any is an error.
    func loadTeam(path: String, today: CalendarDay, only: [String]) throws -> ResolvedTeam {
        try refuseSingleFacilityFlags()
        let (config, configPath) = try config()
        let (team, diagnostics) = try TeamLoader.load(
            path: path, today: today, profiles: config.facilityTraits, profilesSource: configPath,
            only: only.isEmpty ? nil : Set(only), peopleOutside: peopleOutside)
        for warning in diagnostics where warning.severity == .warning { Terminal.warn(warning.description) }
        return team
    }

    /// The team's run: one workflow per facility, each with its profile's settings; facilities whose profiles name
    /// the same cache share one open cache.
    func makeTeamRun(team: ResolvedTeam?, facilities: [String], dryRun: Bool = false) throws -> TeamRun {
        try refuseSingleFacilityFlags()
        let (config, configPath) = try config()
        // The variables that pick or point at one facility would point every facility at it: leave them out.
        var environment = ProcessInfo.processInfo.environment
        for key in ["TEAMCTL_PROFILE", "TEAMCTL_API_URL", "TEAMCTL_TOKEN_URL", "TEAMCTL_KEY", "TEAMCTL_CLIENT_ID"] {
            environment[key] = nil
        }
        var caches: [String: AccountCache] = [:]
        var workflows: [String: TeamWorkflow] = [:]
        for facility in facilities {
            let settings = try ConnectionSettings.resolve(
                overrides: ConnectionOverrides(
                    profile: facility, cache: cache, concurrency: concurrency, requestTimeout: requestTimeout,
                    maxResponseBytes: maxResponseBytes),
                environment: environment, config: config, configPath: configPath, manifestFacility: facility)
            let context = TeamctlContext(settings: settings, dryRun: dryRun)
            let opened: AccountCache
            if let shared = caches[settings.cachePath] {
                opened = shared
            } else {
                opened = try context.openCache()
                if let warning = opened.warning { Terminal.warn("warning: \(warning)") }
            }
            caches[settings.cachePath] = opened
            workflows[facility] = TeamWorkflow(context: context, cache: opened, toolVersion: TeamCtlVersion.current)
        }
        return TeamRun(team: team, workflows: workflows)
    }

    /// A team's facilities take their connections from their profiles; flags that set one facility's are refused.
    func refuseSingleFacilityFlags() throws {
        let given = [
            ("--profile", profile), ("--api-url", apiURL), ("--token-url", tokenURL), ("--client-id", clientId),
            ("--key", key),
        ].filter { $0.1 != nil }.map(\.0)
        guard given.isEmpty else {
            throw CLIError(
                "\(given.joined(separator: ", ")) name one facility's connection, but a team manifest spans several; "
                    + "set them in each facility's profile in the config file, or narrow the run with --facility NAME")
        }
    }
}
