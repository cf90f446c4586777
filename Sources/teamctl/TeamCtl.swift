import ArgumentParser
import Foundation
import TeamSync

/// The `teamctl` command: parses arguments, wires live dependencies, prints, and maps errors to exit codes.
@main
struct TeamCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamctl",
        abstract: "Keep an HPC facility's view of your team in line with a manifest kept in git.",
        version: BuildInfo.versionLine,
        subcommands: [
            ValidateCommand.self,
            RefreshCommand.self,
            StatusCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            HistoryCommand.self,
            AckCommand.self,
            UsageCommand.self,
            DriftCommand.self,
            ReportCommand.self,
            PersonCommand.self,
            ImportCommand.self,
            RosterCommand.self,
            DemoCommand.self,
            DoctorCommand.self,
        ]
    )

    /// Runs the command line, first catching a mistyped command name so the answer names the right one.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let typed = arguments.first, let message = unknownCommandMessage(typed) {
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        // As `AsyncParsableCommand.main` does, except that an error thrown while running is printed escaped: its
        // message often quotes a facility's answer or a file (see `TerminalSafeError`).
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(nil)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: TerminalSafeError.wrapping(error))
        }
    }

    /// With no arguments: a short orientation that names the next step, not the full reference.
    func run() async throws {
        print(Self.shortHelp, terminator: "")
    }

    static let shortHelp = """
        teamctl \(TeamCtlVersion.current): \(configuration.abstract)

        Start here:
          teamctl demo                  the whole flow against a built-in emulator, nothing to set up
          teamctl validate team.yaml    check a manifest
          teamctl plan -f team.yaml     show what apply would change
          teamctl apply -f team.yaml    make the facility match

        Commands: \(commandNames.joined(separator: ", "))
        Run 'teamctl --help' for every command, or 'teamctl help COMMAND' for one.

        """

    /// The subcommand names, in the order `--help` lists them.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// An error text when `first` is meant as a command but is none; nil for options and real commands.
    static func unknownCommandMessage(_ first: String) -> String? {
        guard !first.hasPrefix("-"), first != "help", !commandNames.contains(first) else { return nil }
        var message = "error: '\(first)' is not a teamctl command."
        if let near = Suggestion.closest(to: first, among: commandNames) {
            message += " Did you mean 'teamctl \(near)'?"
        }
        message += "\nRun 'teamctl --help' to list the commands (\(commandNames.joined(separator: ", "))).\n"
        return message
    }
}

/// The version `teamctl --version` prints and plans record.
enum TeamCtlVersion {
    static let current = BuildInfo.version
}
