import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl demo' is not implemented yet")
    }
}
