import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl status' is not implemented yet")
    }
}
