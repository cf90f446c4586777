import AccountModels
import FacilityEmulator
import Foundation

/// One benchmark size: how many projects, users and groups the generated collaboration has.
struct ScaleSize: Sendable, Hashable {
    var name: String
    var projects: Int
    var users: Int
    var groups: Int

    /// The sizes issue 8 asks for.
    static let standard: [ScaleSize] = [
        ScaleSize(name: "S", projects: 1, users: 30, groups: 5),
        ScaleSize(name: "M", projects: 10, users: 1_000, groups: 80),
        ScaleSize(name: "L", projects: 50, users: 5_000, groups: 400),
        ScaleSize(name: "XL", projects: 200, users: 100_000, groups: 2_000),
    ]
}

extension ScaleSize {
    /// A size by name (S, M, L, XL, any case) or spelt out as `PROJECTSxUSERSxGROUPS`, e.g. `20x2000x160`;
    /// nil when it is neither or the counts cannot make a collaboration (a group per project at least).
    init?(named text: String) {
        let wanted = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let size = Self.standard.first(where: { $0.name == wanted }) {
            self = size
            return
        }
        let counts = wanted.split(separator: "X").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard counts.count == 3, counts.allSatisfy({ $0 > 0 }), counts[2] >= counts[0], counts[1] >= 2 else {
            return nil
        }
        self.init(
            name: "\(counts[0])x\(counts[1])x\(counts[2])", projects: counts[0], users: counts[1], groups: counts[2])
    }
}

/// A generated collaboration: the facility seed, one manifest per project, and the request counts a
/// perfect client needs.
///
/// Shape: user `pi` (`caller`) is PI of every project and the static token's owner. Every user belongs to up to
/// `overlap` projects (user i to projects i, i+1, ... mod P). Each project's first group is
/// `{members: all}`; the others list `groupSize` roster members. One list group in every `1/drift` is
/// drifted: three in four of those lack two wanted members and hold one unwanted project member (one add
/// and one remove to apply); the fourth does not exist at the facility yet (a create and an add).
struct ScaleWorkload: Sendable {
    /// What the manifests ask of one project.
    struct WantedProject: Sendable {
        var repo: String
        /// The members besides the caller, in order.
        var roster: [String]
        /// Each group in order, with the members it lists; nil for `{members: all}`.
        var groups: [(name: String, members: [String]?)]
    }

    var seed: EmulatorSeed
    /// What the manifests ask, project by project.
    var wanted: [WantedProject]
    /// The PI of every project, who owns the static token.
    var caller: String
    /// The users besides the caller, in order.
    var userNames: [String]
    /// Every group the manifests name.
    var groupCount: Int
    /// Groups the caller's own `GET /account/groups` returns (the `all` groups).
    var ownGroups: Int
    /// Groups that exist in the manifests but not at the facility.
    var createdGroups: Int
    /// Groups that exist at the facility and need one add and one remove.
    var changedGroups: Int
    /// Members the manifests list, summed over projects.
    var memberships: Int

    static let token = "bench-pi"

    /// Refresh: the five list reads plus one by-name read per named group the caller's own list lacks.
    var minimumRefreshRequests: Int { 5 + groupCount - ownGroups }
    /// Apply of a saved plan, reads: whoami, account-system status, one basis read per touched group.
    var minimumApplyReads: Int { createdGroups + changedGroups == 0 ? 0 : 2 + createdGroups + changedGroups }
    /// Apply of a saved plan, writes: create + add per new group, add + remove per changed group.
    var minimumApplyWrites: Int { 2 * createdGroups + 2 * changedGroups }

    /// Generates a collaboration of `size`. A second facility of the same shape takes other names: users
    /// `userPrefix` + number, PI `caller`, projects `projectPrefix` + number.
    static func generate(
        _ size: ScaleSize, groupSize: Int = 30, overlap: Int = 4, drift: Double = 0.1, userPrefix: String = "u",
        caller: String = "pi", projectPrefix: String = "m"
    ) -> ScaleWorkload {
        let projectCount = max(1, size.projects)
        let perProjects = max(1, min(overlap, projectCount))
        let width = String(max(size.users - 1, 1)).count
        let userNames = (0..<size.users).map {
            userPrefix + String(repeating: "0", count: max(0, width - String($0).count)) + String($0)
        }
        var users = [SFAPIWire.UserInfo(uid: 100_000, name: caller)]
        users += userNames.enumerated().map { SFAPIWire.UserInfo(uid: 100_001 + $0.offset, name: $0.element) }

        var rosters = Array(repeating: [String](), count: projectCount)
        for (index, name) in userNames.enumerated() {
            for k in 0..<perProjects { rosters[(index + k) % projectCount].append(name) }
        }
        let groupsPerProject = { (p: Int) in size.groups / projectCount + (p < size.groups % projectCount ? 1 : 0) }
        let period = drift > 0 ? max(1, Int((1 / drift).rounded())) : Int.max

        var projects: [EmulatorSeed.Project] = []
        var groups: [EmulatorSeed.Group] = []
        var wanted: [WantedProject] = []
        var listGroupIndex = 0
        var created = 0
        var changed = 0
        var named = 0
        var memberships = 0
        for p in 0..<projectCount {
            let repo = "\(projectPrefix)\(1000 + p)"
            let roster = rosters[p]
            projects.append(
                EmulatorSeed.Project(
                    id: 1000 + p, repo_name: repo, description: "scale project \(p)",
                    members: [EmulatorSeed.Member(user: caller, role: .pi)]
                        + roster.map { EmulatorSeed.Member(user: $0) }))
            var project = WantedProject(repo: repo, roster: roster, groups: [])
            memberships += roster.count + 1
            // Unix group names have at most 8 characters: m1000g7, or m0g399 when a project has many groups.
            let base = "\(repo)g\(groupsPerProject(p) - 1)".count <= 8 ? repo : "\(projectPrefix)\(p)"
            for g in 0..<groupsPerProject(p) {
                let name = "\(base)g\(g)"
                named += 1
                if g == 0 {
                    project.groups.append((name, nil))
                    groups.append(
                        EmulatorSeed.Group(
                            name: name, gid: 70_000 + named, repo_name: repo, members: [caller] + roster))
                    continue
                }
                let count = min(groupSize, roster.count / 2)
                let start = roster.isEmpty ? 0 : (g * 7) % roster.count
                let wanted = (0..<count).map { roster[(start + $0) % roster.count] }
                project.groups.append((name, wanted))
                defer { listGroupIndex += 1 }
                var present = wanted
                if listGroupIndex % period == 0 {
                    if (listGroupIndex / period) % 4 == 3 {
                        created += 1
                        continue
                    }
                    if count >= 2 && roster.count > count {
                        present.removeFirst(2)
                        present.append(roster[(start + count) % roster.count])
                        changed += 1
                    }
                }
                groups.append(EmulatorSeed.Group(name: name, gid: 70_000 + named, repo_name: repo, members: present))
            }
            wanted.append(project)
        }
        let seed = EmulatorSeed(
            users: users, projects: projects, groups: groups,
            tokens: [EmulatorSeed.StaticToken(token: token, user: caller)],
            systems: [SFAPIWire.SystemStatus(name: "iris", status: .active)])
        return ScaleWorkload(
            seed: seed, wanted: wanted, caller: caller, userNames: userNames, groupCount: named,
            ownGroups: projectCount, createdGroups: created, changedGroups: changed, memberships: memberships)
    }

    /// Manifest file name to YAML text, one version 1 manifest per project.
    var manifests: [(name: String, text: String)] {
        wanted.map { project in
            var text = "version: 1\nproject: \(project.repo)\nmembers:\n  \(caller): {role: pi}\n"
            for name in project.roster { text += "  \(name): {}\n" }
            text += "groups:\n"
            for group in project.groups {
                let members = group.members.map { "[\($0.joined(separator: ", "))]" } ?? "all"
                text += "  \(group.name): {members: \(members)}\n"
            }
            text += "policy:\n  protected: [\(caller)]\n"
            return ("\(project.repo).yaml", text)
        }
    }

    /// Writes the manifests, one file per project, into `directory`.
    func writeManifests(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in manifests {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
    }
}
