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
            question; required without a terminal). With PLANFILE, applies exactly that plan once it is proven: \
            the manifests it records are read again (refused if one changed) and planned again against its \
            snapshot, which must give exactly its changes; every policy rule is checked on its changes; and every \
            target it touches is re-read, refusing if any changed since the plan was made. With PLANFILE and -f, \
            the manifests named must be, by content, those it was made from (for a plan made in another folder). \
            Every change is journaled in the cache; rerunning after a failure or a crash converges without \
            repeating confirmed changes. --dry-run reads but sends no change: the transport itself refuses writes.
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
        if planFile == nil && file.isEmpty {
            throw ValidationError(
                "give -f MANIFEST, or a saved PLANFILE (with -f naming the manifests it was made from)")
        }
    }

    func run() async throws {
        _ = Terminal.loggingBootstrapped
        let plan: TeamSync.Plan
        let workflow: TeamWorkflow
        let check: SavedPlanCheck
        var proof: SavedPlanProof?
        if let planFile {
            // Only a regular file, bounded: a FIFO or a device named as the plan is refused instead of hanging.
            let data: Data
            switch InputFile.read(planFile, maxBytes: 1 << 30, what: "a plan file") {
            case .success(let read): data = read
            case .failure(let refusal): throw CLIError("cannot read the plan \(planFile): \(refusal)")
            }
            if TeamPlan.isTeamPlan(data) {
                let teamPlan: TeamPlan
                do { teamPlan = try TeamPlan.load(from: data) } catch { throw CLIError("\(planFile): \(error)") }
                let team = try savedTeam(teamPlan, planFile: planFile)
                let run = try connection.makeTeamRun(
                    team: team, facilities: teamPlan.facilities.map(\.basis.facility), dryRun: dryRun)
                let proof = await run.prove(teamPlan, maxRemovals: planning.maxRemovals, today: planning.day)
                if !proof.holds { throw Self.notProven(planFile, proof.problems, anywhere: true) }
                try await applyTeam(teamPlan, run: run, saved: true, proof: proof)
                return
            }
            do { plan = try TeamSync.Plan.load(from: data) } catch {
                throw CLIError("\(planFile): \(error)")
            }
            let manifests = try savedManifests(plan, planFile: planFile)
            workflow = try connection.makeWorkflow(facility: plan.basis.facility, dryRun: dryRun)
            check = planning.check(manifests)
            let proven = await workflow.prove(plan, check: planning.check(manifests))
            if !proven.holds { throw Self.notProven(planFile, proven.problems, anywhere: false) }
            proof = proven
        } else if let team = try planning.teamManifest(file) {
            let (teamPlan, run) = try await planning.teamPlan(
                path: team, connection: connection, refresh: true, dryRun: dryRun)
            try await applyTeam(teamPlan, run: run, saved: false, proof: nil)
            return
        } else {
            let made = try await planning.plan(files: file, connection: connection, refresh: true, dryRun: dryRun)
            (plan, workflow, check) = (made.plan, made.workflow, planning.check(made.manifests))
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
            plan, saved: planFile != nil, check: check, proof: proof, ignoreStatus: ignoreStatus,
            concurrency: workflow.context.settings.concurrency)
        print(report.summaryText())
        if report.failed { throw ExitCode(ExitStatus.failure) }
    }

    /// Applies a team's plan at each of its facilities at once; one facility failing does not stop the others, and the
    /// exit status is the worst outcome.
    private func applyTeam(_ plan: TeamPlan, run: TeamRun, saved: Bool, proof: TeamPlanProof?) async throws {
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
        let report = try await run.apply(
            plan, saved: saved, proof: proof, maxRemovals: planning.maxRemovals, today: planning.day,
            ignoreStatus: ignoreStatus, concurrency: concurrency)
        print(report.summaryText())
        if report.failed { throw ExitCode(ExitStatus.failure) }
    }

    // MARK: Proving a saved plan

    /// The manifests a saved plan was made from, read again: those it records (inside this folder, each unchanged), or
    /// those -f names, which must be the same files by content.
    private func savedManifests(_ plan: TeamSync.Plan, planFile: String) throws -> [LoadedManifest] {
        guard let source = plan.source else { throw CLIError("\(planFile): \(PlanSourceCheck.Problem.noSource)") }
        guard !source.entries.contains(where: { $0.kind == .team }) else {
            throw CLIError("\(planFile): the plan names a team manifest but is not a team plan; make a new plan")
        }
        do {
            if file.isEmpty {
                return try ManifestLoader.load(
                    paths: try PlanSourceCheck.recordedEntries(of: source), today: source.today)
            }
            let manifests = try ManifestLoader.load(paths: file, today: source.today)
            try PlanSourceCheck.check(given: manifests.map(\.path), against: source)
            return manifests
        } catch let problem as PlanSourceCheck.Problem {
            throw CLIError("\(planFile): \(problem)")
        }
    }

    /// The team a saved team plan was made from, read again and resolved for the plan's facilities: its team manifest
    /// (recorded, or named with -f) and its people file, each unchanged; nil for a plan with no facility read.
    private func savedTeam(_ plan: TeamPlan, planFile: String) throws -> ResolvedTeam? {
        // A plan of facilities none of which could be read applies nothing: there is nothing to prove.
        guard !plan.facilities.isEmpty else { return nil }
        let sources = Set(plan.facilities.map(\.source))
        guard sources.count == 1, let recorded = sources.first, let source = recorded,
            source.entries.map(\.kind) == [.team]
        else { throw CLIError("\(planFile): \(PlanSourceCheck.Problem.noSource)") }
        do {
            let path: String
            if file.isEmpty {
                path = try PlanSourceCheck.recordedEntries(of: source)[0]
            } else {
                guard file.count == 1 else {
                    throw CLIError("\(planFile): a team plan is made from one team manifest: name only it with -f")
                }
                try PlanSourceCheck.check(given: file, against: source)
                path = file[0]
            }
            let facilities = plan.facilities.map(\.basis.facility) + plan.unreadable.map(\.facility)
            let team = try connection.loadTeam(path: path, today: source.today, only: facilities)
            // The people file is the one the team manifest names, as it was when the plan was made.
            if let people = source.files.first(where: { $0.kind == .people }),
                (try? PlanSourceCheck.sha256(ofFile: team.people.path)) != people.sha256
            {
                throw PlanSourceCheck.Problem.changed(team.people.path)
            }
            return team
        } catch let problem as PlanSourceCheck.Problem {
            throw CLIError("\(planFile): \(problem)")
        }
    }

    /// The refusal of a saved plan that does not hold: each problem on its own line.
    private static func notProven(_ planFile: String, _ problems: [String], anywhere: Bool) -> CLIError {
        CLIError(
            "\(planFile): the saved plan does not hold, so nothing was sent\(anywhere ? " anywhere" : ""):\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n"))
    }
}
