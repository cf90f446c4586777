import ArgumentParser

extension BenchCommand {
    /// Times the planner on a generated facility (see ``PlannerBenchmark``).
    struct Planner: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the planner on a generated facility with drift in every group.")

        @Option(help: "Number of users in the generated team.")
        var users = 5_000

        @Option(help: "Number of groups in the generated team.")
        var groups = 400

        @Option(help: "How many times to plan; the median and minimum are reported.")
        var repetitions = 5

        func validate() throws {
            guard users > 0, groups > 0, repetitions > 0 else {
                throw ValidationError("--users, --groups and --repetitions must be positive")
            }
        }

        func run() {
            print(PlannerBenchmark.run(users: users, groups: groups, repetitions: repetitions))
        }
    }
}
