import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl plan`: the difference between the manifests and the facility.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change to make the facility match the manifests.",
        discussion: """
            Refreshes the groups the manifests name (unless --no-refresh), then diffs. Changes the facility's \
            API can make are shown with + / - / ~; what it cannot (roster, roles, permissions, hours) is listed \
            as manual items to do in Iris. --out saves the plan for 'teamctl apply PLANFILE', which applies \
            exactly it: the plan records the manifest files it was made from (with a hash of each) and the day, and \
            apply refuses it if a manifest changed, if planning them again does not give exactly its changes, if it \
            breaks a policy rule, or if the facility moved since.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Option(name: .shortAndLong, help: "Team manifest files or directories (repeatable).")
    var file: [String]

    @Option(help: "Save the plan to this file (JSON, mode 0600) for 'teamctl apply PLANFILE'.")
    var out: String?

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    @Flag(help: "Exit 0 when in sync, 2 when there are changes to apply, 3 when only manual items remain.")
    var detailedExitcode = false

    @Flag(help: "Plan against the newest cached snapshot instead of reading the facility first.")
    var noRefresh = false

    @OptionGroup var planning: PlanningOptions

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        if let team = try planning.teamManifest(file) {
            try await runTeam(team)
            return
        }
        let plan = try await planning.plan(files: file, connection: connection, refresh: !noRefresh).plan
        if let out { try Terminal.write(String(decoding: try plan.jsonData(), as: UTF8.self), to: out) }
        switch format {
        case .text: print(PlanRenderer.text(plan, color: Terminal.useColor), terminator: "")
        case .json: print(try PlanRenderer.json(plan))
        case .markdown: print(PlanRenderer.markdown(plan), terminator: "")
        }
        if let out, format == .text {
            Terminal.warn("Saved the plan to \(out). Apply exactly it with: teamctl apply \(out)")
        }
        if !plan.refusals.isEmpty {
            for refusal in plan.refusals { Terminal.warn("error: \(refusal)") }
            throw ExitCode(ExitStatus.failure)
        }
        if detailedExitcode { throw ExitCode(ExitStatus.detailed(plan)) }
    }

    /// A team manifest (version 2): every facility of the team (or those --facility names), read concurrently, one
    /// section each and one total.
    private func runTeam(_ path: String) async throws {
        let (plan, _) = try await planning.teamPlan(path: path, connection: connection, refresh: !noRefresh)
        if let out { try Terminal.write(String(decoding: try plan.jsonData(), as: UTF8.self), to: out) }
        switch format {
        case .text: print(TeamPlanRenderer.text(plan, color: Terminal.useColor), terminator: "")
        case .json: print(try TeamPlanRenderer.json(plan))
        case .markdown: print(TeamPlanRenderer.markdown(plan), terminator: "")
        }
        if let out, format == .text {
            Terminal.warn("Saved the plan to \(out). Apply exactly it with: teamctl apply \(out)")
        }
        for failure in plan.unreadable {
            Terminal.warn("error: \(failure.facility): could not read: \(failure.reason)")
        }
        let refusals = plan.facilities.flatMap { facility in
            facility.refusals.map { "\(facility.basis.facility): \($0)" }
        }
        for refusal in refusals { Terminal.warn("error: \(refusal)") }
        if !refusals.isEmpty || !plan.unreadable.isEmpty { throw ExitCode(ExitStatus.failure) }
        if detailedExitcode { throw ExitCode(plan.detailedExitStatus) }
    }
}
