import ArgumentParser

/// The `teamctl` command: parses arguments, wires live dependencies, prints, and maps errors to exit codes.
@main
struct TeamCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamctl",
        abstract: "Keep an HPC facility's view of your team in line with a manifest kept in git.",
        version: TeamCtlVersion.current,
        subcommands: [
            Validate.self,
            Refresh.self,
            Status.self,
            Plan.self,
            Apply.self,
            History.self,
            Ack.self,
            Usage.self,
            Import.self,
            Demo.self,
        ]
    )
}

enum TeamCtlVersion {
    static let current = "0.1.0"
}
