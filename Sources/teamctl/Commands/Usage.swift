import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Usage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl usage' is not implemented yet")
    }
}
