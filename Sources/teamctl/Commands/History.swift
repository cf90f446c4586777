import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl history' is not implemented yet")
    }
}
