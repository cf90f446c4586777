import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl apply' is not implemented yet")
    }
}
