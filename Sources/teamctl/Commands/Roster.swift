import AccountModels
import ArgumentParser
import Foundation
import TeamSync

/// `teamctl roster`: compares a collaboration's own membership list with a team.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Compare a collaboration's membership list with a team and its people file.",
        subcommands: [Diff.self])
}

extension RosterCommand {
    /// `teamctl roster diff --csv FILE -f TEAM [--write]`.
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show who is on a CSV membership list but not in the team, and the other way round.",
            discussion: """
                Reads the list (a CSV export with a header row), the version 2 team manifest and the people file it \
                names. Rows are matched to people by the id column when there is one, else by email (ignoring \
                case), else by any facility username. Columns are guessed from the header (id/person, name/full \
                name, email/e-mail, and FACILITY, 'FACILITY username' or 'FACILITY user' for each of the team's \
                facilities); a column named with the column options or a --mapping file is read as named (options \
                override the file) and the others are still guessed. An empty cell is "not given", never a \
                difference.

                With --write the people file and the team manifest are edited in place, keeping every comment and \
                the layout: newcomers are added (to the people file when it does not know them, and as members at \
                the facilities they have a username at), \
                members not on the list get 'until' the day before --today (protected ones are only reported), \
                and emails and usernames are set to the list's. Members whose end date has passed but who are on \
                the list again are left for you to re-admit. Review the result with git diff before committing.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Option(
            name: .shortAndLong,
            help: ArgumentHelp("The team manifest (version 2, naming its people file).", valueName: "team"))
        var file: String

        @Option(help: ArgumentHelp("The collaboration's membership list, as CSV with a header row.", valueName: "file"))
        var csv: String

        @Option(help: "The column holding each person's id in the people file.")
        var idColumn: String?

        @Option(help: "The column holding each person's full name.")
        var nameColumn: String?

        @Option(help: "The column holding each person's email address.")
        var emailColumn: String?

        @Option(
            help: ArgumentHelp("The column holding usernames at a facility (repeatable).", valueName: "facility=column")
        )
        var accountColumn: [String] = []

        @Option(
            help: ArgumentHelp(
                "A YAML file naming the columns: {id: C, name: C, email: C, accounts: {FACILITY: C}}.",
                valueName: "file"))
        var mapping: String?

        @Flag(help: "Edit the people file and the team manifest to match the list.")
        var write = false

        @Option(help: "The day to judge end dates against, YYYY-MM-DD (default: today in UTC).")
        var today: CalendarDay?

        @Option(help: "Output format: text, or json (one document on standard output).")
        var format: Format = .text

        @Flag(help: "Exit 0 when the list and the team agree, 2 when they differ (with --write: differed before it).")
        var detailedExitcode = false

        func validate() throws {
            for argument in accountColumn where RosterColumns.accountColumn(argument) == nil {
                throw ValidationError("--account-column takes FACILITY=COLUMN, e.g. nersc=\"NERSC username\"")
            }
        }

        func run() throws {
            do {
                var columns = try mapping.map(RosterColumns.readMapping) ?? RosterColumns()
                var flags = RosterColumns(id: idColumn, name: nameColumn, email: emailColumn)
                for case let (facility, column)? in accountColumn.map(RosterColumns.accountColumn) {
                    flags.accounts[facility] = column
                }
                columns = columns.overridden(by: flags)
                let comparison = try RosterComparison.load(
                    teamFile: file, csvFile: csv, columns: columns, today: today ?? CalendarDay.today(at: Date()))
                let report = write ? try comparison.write() : nil
                switch format {
                case .text: print(RosterRenderer.text(comparison, report: report), terminator: "")
                case .json: print(try RosterRenderer.json(comparison, report: report))
                }
                if detailedExitcode, !comparison.diff.isEmpty { throw ExitCode(ExitStatus.changes) }
            } catch let error as RosterError {
                Terminal.warn(error.description)
                throw ExitCode(ExitStatus.failure)
            }
        }
    }
}
