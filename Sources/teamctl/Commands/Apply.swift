import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl apply`: makes the facility match the manifests, or applies a saved plan exactly.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan: from manifests (-f), or exactly a saved plan file.",
        discussion: """
            With -f, refreshes, plans, shows the plan and asks before changing anything (--yes to skip the \
            question; required without a terminal). With PLANFILE, applies exactly that plan, after re-reading \
            every group it touches and refusing if any changed since the plan was made. Every change is \
            journaled in the cache; rerunning after a failure or a crash converges without repeating confirmed \
            changes. --dry-run reads but sends no change: the transport itself refuses writes.
            """)

    @Argument(help: "A plan saved by 'teamctl plan --out'.")
    var planFile: String?

    @Option(name: .shortAndLong, help: "Team manifest files or directories (repeatable).")
    var file: [String] = []

    @Flag(help: "Show what would be sent, and send no change.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Apply even when the account system (iris) is not active.")
    var ignoreStatus = false

    @OptionGroup var planning: PlanningOptions

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if (planFile == nil) == file.isEmpty {
            throw ValidationError("give either -f MANIFEST or a saved PLANFILE, not both and not neither")
        }
    }

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        let plan: TeamSync.Plan
        let workflow: TeamWorkflow
        if let planFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: planFile)) } catch {
                throw CLIError("cannot read the plan \(planFile): \(error.localizedDescription)")
            }
            if TeamPlan.isTeamPlan(data) {
                let teamPlan: TeamPlan
                do { teamPlan = try TeamPlan.load(from: data) } catch { throw CLIError("\(planFile): \(error)") }
                let run = try connection.makeTeamRun(
                    team: nil, facilities: teamPlan.facilities.map(\.basis.facility), dryRun: dryRun)
                try await applyTeam(teamPlan, run: run, saved: true)
                return
            }
            do { plan = try TeamSync.Plan.load(from: data) } catch {
                throw CLIError("\(planFile): \(error)")
            }
            workflow = try connection.makeWorkflow(facility: plan.basis.facility, dryRun: dryRun)
        } else if let team = try planning.teamManifest(file) {
            let (teamPlan, run) = try await planning.teamPlan(
                path: team, connection: connection, refresh: true, dryRun: dryRun)
            try await applyTeam(teamPlan, run: run, saved: false)
            return
        } else {
            (plan, workflow) = try await planning.plan(
                files: file, connection: connection, refresh: true, dryRun: dryRun)
        }
        print(PlanRenderer.text(plan, color: Terminal.useColor), terminator: "")
        if !plan.refusals.isEmpty {
            for refusal in plan.refusals { Terminal.warn("error: \(refusal)") }
            throw ExitCode(ExitStatus.failure)
        }
        if plan.changes.isEmpty {
            print(
                plan.manualItems.isEmpty
                    ? "Nothing to apply." : "Nothing to apply through the API; the manual items above remain.")
            return
        }
        if !dryRun && !yes {
            guard Terminal.stdinIsTTY else {
                throw CLIError(
                    "apply changes the facility and no terminal is attached to confirm; pass --yes (or --dry-run)")
            }
            guard Terminal.confirm("Apply these \(plan.changes.count) change(s) to \(plan.basis.facility)?") else {
                throw CLIError("apply cancelled; nothing was sent")
            }
        }
        let report = try await workflow.apply(
            plan, saved: planFile != nil, ignoreStatus: ignoreStatus,
            concurrency: workflow.context.settings.concurrency)
        print(report.summaryText())
        if report.failed { throw ExitCode(ExitStatus.failure) }
    }

    /// Applies a team's plan at each of its facilities at once; one facility failing does not stop the others, and the
    /// exit status is the worst outcome.
    private func applyTeam(_ plan: TeamPlan, run: TeamRun, saved: Bool) async throws {
        print(TeamPlanRenderer.text(plan, color: Terminal.useColor), terminator: "")
        let refusals = plan.facilities.flatMap { facility in
            facility.refusals.map { "\(facility.basis.facility): \($0)" }
        }
        if !refusals.isEmpty {
            for refusal in refusals { Terminal.warn("error: \(refusal)") }
            throw CLIError("the plan breaks policy, so nothing was sent to any facility")
        }
        for failure in plan.unreadable {
            Terminal.warn(
                "error: \(failure.facility) could not be read, so nothing is applied there: \(failure.reason)")
        }
        if plan.changeCount == 0 {
            print(
                plan.facilities.allSatisfy(\.manualItems.isEmpty)
                    ? "Nothing to apply." : "Nothing to apply through the APIs; the manual items above remain.")
            if !plan.unreadable.isEmpty { throw ExitCode(ExitStatus.failure) }
            return
        }
        if !dryRun && !yes {
            guard Terminal.stdinIsTTY else {
                throw CLIError(
                    "apply changes the facilities and no terminal is attached to confirm; pass --yes (or --dry-run)")
            }
            let places = plan.facilities.filter { !$0.changes.isEmpty }.map(\.basis.facility).joined(separator: ", ")
            guard Terminal.confirm("Apply these \(plan.changeCount) change(s) to \(places)?") else {
                throw CLIError("apply cancelled; nothing was sent")
            }
        }
        let concurrency = run.workflows.values.first?.context.settings.concurrency ?? 8
        let report = try await run.apply(plan, saved: saved, ignoreStatus: ignoreStatus, concurrency: concurrency)
        print(report.summaryText())
        if report.failed { throw ExitCode(ExitStatus.failure) }
    }
}
