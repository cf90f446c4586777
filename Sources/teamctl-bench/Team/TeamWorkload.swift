import FacilityEmulator
import Foundation

/// One team across two facilities: a people file, a team manifest (version 2) and each facility's seed.
///
/// Each facility is a ``ScaleWorkload`` with one project holding the whole team, so it has the size's users and
/// groups with the scale workload's drift (groups with members to add and remove, groups to create); the two differ
/// only in their names. Person `p0123` is `u0123` at the first facility and `x0123` at the second; the PI, person
/// `pi`, is `pi` and `xpi`, and owns the static token at both.
struct TeamWorkload: Sendable {
    /// One facility of the team: its profile name and its generated state.
    struct Facility: Sendable {
        var name: String
        var workload: ScaleWorkload
    }

    var team: String
    var facilities: [Facility]
    /// Person ids besides the PI, in the order of each facility's `userNames`.
    var people: [String]

    static let caller = "pi"

    /// Generates the team for `size` (its users and groups; a team holds one project at each facility, so the size's
    /// project count is not used) at two facilities named `names`.
    static func generate(
        _ size: ScaleSize, facilities names: (String, String), groupSize: Int, drift: Double
    ) -> TeamWorkload {
        let oneProject = ScaleSize(name: size.name, projects: 1, users: size.users, groups: size.groups)
        func facility(_ name: String, prefix: String, project: String) -> Facility {
            Facility(
                name: name,
                workload: ScaleWorkload.generate(
                    oneProject, groupSize: groupSize, overlap: 1, drift: drift, userPrefix: prefix,
                    caller: prefix == "u" ? caller : prefix + caller, projectPrefix: project))
        }
        let first = facility(names.0, prefix: "u", project: "m")
        let second = facility(names.1, prefix: "x", project: "b")
        return TeamWorkload(
            team: "bench", facilities: [first, second],
            people: first.workload.userNames.map { "p" + $0.dropFirst() })
    }

    /// Each facility's username of each person id (the PI included).
    private func usernames(at facility: Facility) -> [String: String] {
        var names = [facility.workload.caller: Self.caller]
        for (username, person) in zip(facility.workload.userNames, people) { names[username] = person }
        return names
    }

    /// The people file: every person with a name, an email and a username at each facility.
    var peopleFile: String {
        var text = "version: 1\npeople:\n"
        func accounts(_ index: Int?) -> String {
            facilities.map { facility in
                "\(facility.name): \(index.map { facility.workload.userNames[$0] } ?? facility.workload.caller)"
            }.joined(separator: ", ")
        }
        text += "  \(Self.caller): {name: Bench PI, accounts: {\(accounts(nil))}}\n"
        for (index, person) in people.enumerated() {
            text +=
                "  \(person): {name: Person \(person.dropFirst()), email: \(person)@bench.example.org, "
                + "accounts: {\(accounts(index))}}\n"
        }
        return text
    }

    /// The team manifest (version 2): every person a member, and each facility's project with its groups, members
    /// listed by person id.
    var teamManifest: String {
        var text = "version: 2\nteam: \(team)\npeople: people.yaml\nfacilities:\n"
        for facility in facilities {
            let person = usernames(at: facility)
            for project in facility.workload.wanted {
                text += "  \(facility.name):\n    project: \(project.repo)\n    groups:\n"
                for group in project.groups {
                    let members =
                        group.members.map { "[\($0.compactMap { person[$0] }.joined(separator: ", "))]" } ?? "all"
                    text += "      \(group.name): {members: \(members)}\n"
                }
            }
        }
        text += "members:\n  \(Self.caller): {role: pi}\n"
        for person in people { text += "  \(person): {}\n" }
        text += "policy:\n  protected: [\(Self.caller)]\n"
        return text
    }

    /// Writes `people.yaml`, `team.yaml` and each facility's seed (`seed-NAME.json`) into `directory`.
    func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(peopleFile.utf8).write(to: directory.appendingPathComponent("people.yaml"))
        try Data(teamManifest.utf8).write(to: directory.appendingPathComponent("team.yaml"))
        for facility in facilities {
            try JSONEncoder().encode(facility.workload.seed).write(to: seedURL(facility.name, in: directory))
        }
    }

    func seedURL(_ facility: String, in directory: URL) -> URL {
        directory.appendingPathComponent("seed-\(facility).json")
    }
}
