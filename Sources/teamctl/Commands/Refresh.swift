import ArgumentParser

// Placeholder until its issue lands: it says so plainly and fails.
struct Refresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "refresh", abstract: "(not implemented yet)")

    func run() async throws {
        throw ValidationError("'teamctl refresh' is not implemented yet")
    }
}
