import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl validate' is not implemented yet")
    }
}
