import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl plan' is not implemented yet")
    }
}
