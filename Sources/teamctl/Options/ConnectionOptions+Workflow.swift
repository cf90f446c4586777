import ArgumentParser
import Foundation
import TeamSync

extension ConnectionOptions {
    /// The workflow for these options: the live context (its transport refusing every change when
    /// `dryRun`) and the opened cache. `facility` is the facility the work is for: the manifests'
    /// `facility:` or a saved plan's.
    func makeWorkflow(facility: String? = nil, dryRun: Bool = false) throws -> TeamWorkflow {
        let settings = try settings(manifestFacility: facility)
        let context = TeamctlContext(settings: settings, dryRun: dryRun)
        let cache = try context.openCache()
        if let warning = cache.warning { Terminal.warn("warning: \(warning)") }
        return TeamWorkflow(context: context, cache: cache, toolVersion: TeamCtlVersion.current)
    }

    /// The workflow for a set of manifests, which must agree on their facility.
    func makeWorkflow(manifests: [LoadedManifest], dryRun: Bool = false) throws -> TeamWorkflow {
        let facilities = Set(manifests.compactMap(\.manifest.facility))
        guard facilities.count <= 1 else {
            throw CLIError(
                "the manifests name different facilities (\(facilities.sorted().joined(separator: ", "))); "
                    + "plan and apply them separately")
        }
        return try makeWorkflow(facility: facilities.first, dryRun: dryRun)
    }
}
