import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl import' is not implemented yet")
    }
}
