import Foundation
import Testing

/// A newcomer's first step: `teamctl validate` of every manifest and team under examples/, in one command, on a
/// machine with no config file (HOME an empty folder, no XDG config), exits 0. The files are found by a glob here,
/// so an example added later is covered too; a facility with no profile is a warning for validate only.
struct ExamplesValidateTests {
    /// Every `*.yaml`/`*.yml` under examples/ (any depth) that is a manifest or a team: a top-level `project:` or
    /// `team:` key (emulator seeds and people files have neither), relative to the repository root.
    static func exampleManifests() throws -> [String] {
        let root = TeamctlHarness.packageRoot.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root + "/examples"))
        var found: [String] = []
        while let name = enumerator.nextObject() as? String {
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            let text = try String(contentsOfFile: root + "/examples/" + name, encoding: .utf8)
            let keys = text.split(separator: "\n").filter { $0.first?.isLetter == true }
            if keys.contains(where: { $0.hasPrefix("project:") || $0.hasPrefix("team:") }) {
                found.append("examples/" + name)
            }
        }
        return found.sorted()
    }

    /// Every YAML file under examples/, named as `find` lists them (seeds and people files too), and every folder
    /// of examples named as a folder: one command each, exit 0, each manifest and team checked, each seed passed
    /// over with a warning, a folder's team checked as a team.
    @Test func everyExampleFileOrFolderNamedAsItComesValidates() async throws {
        let root = TeamctlHarness.packageRoot.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root + "/examples"))
        var yaml: [String] = []
        var folders: Set<String> = []
        while let name = enumerator.nextObject() as? String {
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml"), !name.contains("/.") else { continue }
            let text = try String(contentsOfFile: root + "/examples/" + name, encoding: .utf8)
            // Workflow files (GitHub, GitLab) are YAML but no teamctl file: leave them out as `find` by key would.
            guard !text.contains("\njobs:"), !text.contains("\nstages:") else { continue }
            yaml.append("examples/" + name)
            folders.insert(URL(fileURLWithPath: "examples/" + name).deletingLastPathComponent().relativePath)
        }
        let manifests = try Self.exampleManifests()
        let files = try await TeamctlHarness.runAlone(["validate"] + yaml.sorted(), cwd: root)
        #expect(files.status == 0, "\(files.output)")
        for file in manifests { #expect(files.stdout.contains("\(file): ok"), "\(file): \(files.output)") }
        #expect(!files.stderr.contains("error:"), "\(files.stderr)")
        #expect(files.stderr.contains("examples/facility.yaml: warning: skipped: this is a teamctl-emulator seed"))
        let byFolder = try await TeamctlHarness.runAlone(["validate"] + folders.sorted(), cwd: root)
        #expect(byFolder.status == 0, "\(byFolder.output)")
        for file in manifests { #expect(byFolder.stdout.contains("\(file): ok"), "\(file): \(byFolder.output)") }
        #expect(byFolder.stdout.contains("examples/multi/team.yaml: ok (team lumen"), "\(byFolder.output)")
    }

    @Test func everyExampleManifestAndTeamValidatesInOneCommandWithoutAConfigFile() async throws {
        let files = try Self.exampleManifests()
        #expect(
            Set(files).isSuperset(of: [
                "examples/team.yaml", "examples/slurm/team.yaml", "examples/cscs/team.yaml", "examples/multi/team.yaml",
            ]), "\(files)")
        let run = try await TeamctlHarness.runAlone(["validate"] + files, cwd: TeamctlHarness.packageRoot.path)
        #expect(run.status == 0, "\(run.output)")
        for file in files { #expect(run.stdout.contains("\(file): ok"), "\(file): \(run.output)") }
        #expect(!run.stderr.contains("error:"), "\(run.stderr)")
        // The team's facilities have no profile here: said once each, with how to add one.
        #expect(run.stderr.contains("facility 'frontier' is not a profile"), "\(run.stderr)")
        #expect(run.stderr.contains("add it under 'profiles:'"), "\(run.stderr)")

        let json = try await TeamctlHarness.runAlone(
            ["validate", "--format", "json"] + files, cwd: TeamctlHarness.packageRoot.path)
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == true)
    }

    /// The README's command, through a shell's own glob, and the command examples/multi/team.yaml's header gives.
    @Test func theReadmesCommandAndTheTeamsOwnHeaderCommandWorkOnAFreshMachine() async throws {
        let binary = try RefreshFixture.teamctlBinary().path
        let readme = try String(contentsOfFile: TeamctlHarness.repoPath("README.md"), encoding: .utf8)
        let command = "teamctl validate examples/team.yaml examples/*/team.yaml"
        #expect(readme.contains(command))
        let shell = try await Self.shell(command.replacingOccurrences(of: "teamctl", with: "'\(binary)'"))
        #expect(shell.status == 0, "\(shell.output)")
        #expect(shell.stdout.contains("examples/multi/team.yaml: ok"), "\(shell.output)")

        let header = try String(contentsOfFile: TeamctlHarness.repoPath("examples/multi/team.yaml"), encoding: .utf8)
        #expect(header.contains("teamctl validate examples/multi/team.yaml"))
        let alone = try await TeamctlHarness.runAlone(
            ["validate", "examples/multi/team.yaml"], cwd: TeamctlHarness.packageRoot.path)
        #expect(alone.status == 0, "\(alone.output)")
        #expect(alone.stderr.contains("warning:"), "\(alone.output)")

        // Validate only: a plan of that team still needs the profiles.
        let plan = try await TeamctlHarness.runAlone(
            ["plan", "-f", "examples/multi/team.yaml", "--no-refresh"], cwd: TeamctlHarness.packageRoot.path)
        #expect(plan.status != 0, "\(plan.output)")
        #expect(plan.stderr.contains("is not a profile"), "\(plan.output)")
    }

    /// Runs a shell command line in the repository root as `TeamctlHarness.runAlone` runs teamctl: an empty HOME, no
    /// XDG config, no TEAMCTL_ variables.
    static func shell(_ command: String) async throws -> TeamctlRun {
        let home = try RefreshFixture.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TEAMCTL_") || key.hasPrefix("XDG_") { environment[key] = nil }
        environment["HOME"] = home
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        process.currentDirectoryURL = TeamctlHarness.packageRoot
        let run = try await ChildProcess.collect(process)
        return TeamctlRun(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }
}
