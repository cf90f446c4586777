import ArgumentParser

/// `teamctl-bench`: timed runs against the facility emulator (and, for `slurm`, a real Slurm stack). One file per
/// subcommand.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teamctl-bench",
        abstract: "Benchmarks for teamctl and its facility emulator.",
        subcommands: [Keepalive.self, Planner.self, RefreshBench.self, Scale.self, SlurmBench.self, TeamBench.self])
}
