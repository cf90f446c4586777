import Foundation

/// The facility's mutable state and its rules, as plain values: each operation takes the caller
/// and returns the reply the real facility would give. No networking here.
///
/// Lookups by name go through dictionaries built once from the seed (the first entry of a name wins,
/// as a linear search would find it), so a group read costs the same with 30 users or 100,000. Users
/// and project rosters never change after the seed; groups are only appended to, and the group index
/// is kept up to date there.
struct FacilityState: Sendable {
    private(set) var seed: EmulatorSeed
    private let usersByName: [String: SFAPIWire.UserInfo]
    private let projectIndexByName: [String: Int]
    /// Per project index: each member's index in the project's `members`.
    private let memberIndexByProject: [[String: Int]]
    private var groupIndexByName: [String: Int]

    init(seed: EmulatorSeed) {
        self.seed = seed
        usersByName = Dictionary(seed.users.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        projectIndexByName = Dictionary(
            seed.projects.enumerated().map { ($0.element.repo_name, $0.offset) },
            uniquingKeysWith: { first, _ in first })
        memberIndexByProject = seed.projects.map { project in
            Dictionary(
                project.members.enumerated().map { ($0.element.user, $0.offset) },
                uniquingKeysWith: { first, _ in first })
        }
        groupIndexByName = Dictionary(
            seed.groups.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Lookups

    func user(_ name: String) -> SFAPIWire.UserInfo? { usersByName[name] }

    func projectIndex(_ repoName: String) -> Int? { projectIndexByName[repoName] }

    func groupIndex(_ name: String) -> Int? { groupIndexByName[name] }

    /// The caller's role in `repoName`, if they are a member.
    func role(of user: String, in repoName: String?) -> SFAPIWire.IrisRole? {
        guard let repoName, let index = projectIndex(repoName) else { return nil }
        return member(user, ofProjectAt: index)?.role
    }

    /// `user`'s membership of the project at `index`, if any.
    func member(_ user: String, ofProjectAt index: Int) -> EmulatorSeed.Member? {
        memberIndexByProject[index][user].map { seed.projects[index].members[$0] }
    }

    /// Whether `user` may change the members of, or create, groups owned by `repoName`.
    func canManageGroups(of repoName: String?, user: String) -> Bool {
        role(of: user, in: repoName)?.canManageGroups ?? false
    }

    func groupStats(_ group: EmulatorSeed.Group) -> SFAPIWire.GroupStats {
        let users = group.members.sorted().map { name in SFAPIWire.UserStats(uid: user(name)?.uid ?? 0, name: name) }
        return SFAPIWire.GroupStats(gid: group.gid, name: group.name, users: users)
    }

    // MARK: /account

    /// `GET /account/?username=`: any known user's record; the caller's own by default.
    func userInfo(caller: String, username: String?) -> EmulatorReply {
        let name = (username?.isEmpty == false ? username : nil) ?? caller
        guard let info = user(name) else { return .error(404, "User \(name) not found") }
        return .json(info)
    }

    /// `GET /account/projects`: the caller's projects, with the caller's share and the project totals.
    func projects(caller: String) -> EmulatorReply {
        .json(
            seed.projects.indices.compactMap { index in
                member(caller, ofProjectAt: index).map { projectStats(seed.projects[index], member: $0) }
            })
    }

    func projectStats(_ project: EmulatorSeed.Project, member: EmulatorSeed.Member) -> SFAPIWire.ProjectStats {
        let projectCPUUsed = project.cpu_hours_used ?? project.members.reduce(0) { $0 + ($1.cpu_hours_used ?? 0) }
        let projectGPUUsed = project.gpu_hours_used ?? project.members.reduce(0) { $0 + ($1.gpu_hours_used ?? 0) }
        func sum(_ a: Double?, _ b: Double?) -> Double? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }
        let projdir = project.storage?.projdir.map { storageStats(name: project.repo_name, $0) }
        let hpss = project.storage?.hpss.map { storageStats(name: project.repo_name, $0) }
        return SFAPIWire.ProjectStats(
            id: project.id, description: project.description, repo_name: project.repo_name,
            iris_role: member.role.rawValue,
            // Inferred, not read from the API: `hours_*` and `project_hours_*` are the CPU and GPU sums.
            hours_given: sum(member.cpu_hours_given, member.gpu_hours_given),
            hours_used: sum(member.cpu_hours_used, member.gpu_hours_used) ?? 0,
            project_hours_given: sum(project.cpu_hours_given, project.gpu_hours_given),
            project_hours_used: projectCPUUsed + projectGPUUsed,
            cpu_hours_given: member.cpu_hours_given, cpu_hours_used: member.cpu_hours_used ?? 0,
            cpu_project_hours_given: project.cpu_hours_given, cpu_project_hours_used: projectCPUUsed,
            gpu_hours_given: member.gpu_hours_given, gpu_hours_used: member.gpu_hours_used ?? 0,
            gpu_project_hours_given: project.gpu_hours_given, gpu_project_hours_used: projectGPUUsed,
            projdir_usage: projdir.map { [$0] }, project_projdir_usage: projdir,
            hpss_usage: hpss.map { [$0] })
    }

    func storageStats(name: String, _ amount: EmulatorSeed.Amount) -> SFAPIWire.StorageStats {
        SFAPIWire.StorageStats(
            name: name, bytes_given: amount.bytes_given, bytes_used: amount.bytes_used,
            files_given: amount.files_given, files_used: amount.files_used,
            bytes_given_human: amount.bytes_given.map(Self.humanBytes),
            bytes_used_human: amount.bytes_used.map(Self.humanBytes))
    }

    /// Bytes in decimal units, as Iris shows them (e.g. `2.5 TB`).
    static func humanBytes(_ bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `GET /account/roles`: one entry per project the caller belongs to.
    func roles(caller: String) -> EmulatorReply {
        .json(
            seed.projects.indices.compactMap { index in
                let project = seed.projects[index]
                return member(caller, ofProjectAt: index).map {
                    SFAPIWire.RoleStats(
                        id: project.id, description: project.description, repo_name: project.repo_name,
                        iris_role: $0.role.rawValue)
                }
            })
    }

    /// `GET /account/groups`: the groups the caller is a member of.
    func groups(caller: String) -> EmulatorReply {
        .json(SFAPIWire.GroupList(groups: seed.groups.filter { $0.members.contains(caller) }.map(groupStats)))
    }

    /// `GET /account/groups/{name}`: for its members and the PI or PI Proxies of its project.
    func group(named name: String, caller: String) -> EmulatorReply {
        guard let index = groupIndex(name) else { return .error(404, "Group \(name) not found") }
        let group = seed.groups[index]
        guard group.members.contains(caller) || canManageGroups(of: group.repo_name, user: caller) else {
            return .error(
                403, "User \(caller) may not read group \(name): not a member, nor a PI or PI Proxy of its project")
        }
        return .json(groupStats(group))
    }

    /// `POST /account/groups`: a PI or PI Proxy creates an empty group owned by their project.
    ///
    /// The creator is not added to the new group: nothing in the API's description says the facility
    /// does so, and a client that wants members sends a `batch_add` afterwards.
    mutating func createGroup(name: String?, repoName: String?, caller: String) -> EmulatorReply {
        var issues: [SFAPIWire.ValidationIssue] = []
        if name == nil {
            issues.append(.init(loc: ["body", "name"], msg: "field required", type: "value_error.missing"))
        }
        if repoName == nil {
            issues.append(.init(loc: ["body", "repo_name"], msg: "field required", type: "value_error.missing"))
        }
        if let name {
            issues += Self.groupNameIssues(name)
        }
        guard issues.isEmpty, let name, let repoName else { return .validation(issues) }
        guard projectIndex(repoName) != nil else { return .error(404, "Project \(repoName) not found") }
        guard canManageGroups(of: repoName, user: caller) else {
            return .error(403, "User \(caller) is not a PI or PI Proxy of \(repoName) and may not create groups for it")
        }
        guard groupIndex(name) == nil else { return .error(409, "Group \(name) already exists") }
        let gid = (seed.groups.map(\.gid).max() ?? 59_999) + 1
        let group = EmulatorSeed.Group(name: name, gid: gid, repo_name: repoName, members: [])
        groupIndexByName[name] = seed.groups.count
        seed.groups.append(group)
        return .json(groupStats(group), effect: true)
    }

    static func groupNameIssues(_ name: String) -> [SFAPIWire.ValidationIssue] {
        var issues: [SFAPIWire.ValidationIssue] = []
        if name.isEmpty {
            issues.append(
                .init(
                    loc: ["body", "name"], msg: "ensure this value has at least 1 characters",
                    type: "value_error.any_str.min_length"))
        }
        if name.count > 8 {
            issues.append(
                .init(
                    loc: ["body", "name"], msg: "ensure this value has at most 8 characters",
                    type: "value_error.any_str.max_length"))
        }
        if !name.unicodeScalars.allSatisfy(\.isASCII) {
            issues.append(
                .init(loc: ["body", "name"], msg: "group names must be ASCII", type: "value_error.str.ascii"))
        }
        return issues
    }

    /// `PUT /account/groups/{name}`: batch add or remove, all usernames or none, with set semantics.
    mutating func changeGroup(named name: String, usernames: String?, action: String?, caller: String) -> EmulatorReply
    {
        var issues: [SFAPIWire.ValidationIssue] = []
        if usernames == nil {
            issues.append(.init(loc: ["body", "usernames"], msg: "field required", type: "value_error.missing"))
        }
        let groupAction = action.flatMap(SFAPIWire.GroupAction.init(rawValue:))
        if action == nil {
            issues.append(.init(loc: ["body", "action"], msg: "field required", type: "value_error.missing"))
        } else if groupAction == nil {
            issues.append(
                .init(
                    loc: ["body", "action"],
                    msg: "value is not a valid enumeration member; permitted: 'batch_add', 'batch_remove'",
                    type: "type_error.enum"))
        }
        let names = (usernames ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if usernames != nil, names.isEmpty {
            issues.append(.init(loc: ["body", "usernames"], msg: "no usernames given", type: "value_error"))
        }
        guard issues.isEmpty, let groupAction else { return .validation(issues) }
        guard let index = groupIndex(name) else { return .error(404, "Group \(name) not found") }
        let group = seed.groups[index]
        guard canManageGroups(of: group.repo_name, user: caller) else {
            return .error(
                403, "User \(caller) is not a PI or PI Proxy of the project owning \(name) and may not change it")
        }
        // Check every name before changing anything: a PUT applies all usernames or none.
        if let unknown = names.first(where: { user($0) == nil }) { return .error(404, "User \(unknown) not found") }
        if groupAction == .batchAdd, let repo = group.repo_name {
            let outsiders = names.filter { role(of: $0, in: repo) == nil }
            if !outsiders.isEmpty {
                return .validation(
                    outsiders.map {
                        SFAPIWire.ValidationIssue(
                            loc: ["body", "usernames"],
                            msg: "User \($0) is not a member of project \(repo)", type: "value_error")
                    })
            }
        }
        var members = Set(group.members)
        switch groupAction {
        case .batchAdd: members.formUnion(names)
        case .batchRemove: members.subtract(names)
        }
        let changed = members != Set(group.members)
        seed.groups[index].members = members.sorted()
        return .json(groupStats(seed.groups[index]), effect: changed)
    }

    /// `GET /account/clients`: the caller's API clients.
    func clients(caller: String) -> EmulatorReply {
        .json(
            seed.clients.filter { $0.user == caller }.map {
                SFAPIWire.Client(name: $0.name, clientId: $0.client_id, expiresAt: $0.expires_at, comments: $0.comments)
            })
    }

    // MARK: /status

    func statuses() -> EmulatorReply { .json(seed.systems) }

    func status(of name: String) -> EmulatorReply {
        guard let system = seed.systems.first(where: { $0.name == name }) else {
            return .error(404, "System \(name) not found")
        }
        return .json(system)
    }

    /// `GET /status/outages[/planned]`: one list per system.
    func outages(plannedOnly: Bool) -> EmulatorReply {
        let chosen = seed.outages.filter { !plannedOnly || $0.status == "Planned" }
        return .json(Self.bySystem(chosen, name: \.name))
    }

    /// `GET /status/outages[/planned]/{name}`.
    func outages(of name: String, plannedOnly: Bool) -> EmulatorReply {
        .json(seed.outages.filter { $0.name == name && (!plannedOnly || $0.status == "Planned") })
    }

    func notes() -> EmulatorReply { .json(Self.bySystem(seed.notes, name: \.name)) }

    func notes(of name: String) -> EmulatorReply { .json(seed.notes.filter { $0.name == name }) }

    static func bySystem<T>(_ items: [T], name: (T) -> String) -> [[T]] {
        var order: [String] = []
        var lists: [String: [T]] = [:]
        for item in items {
            let key = name(item)
            if lists[key] == nil { order.append(key) }
            lists[key, default: []].append(item)
        }
        return order.compactMap { lists[$0] }
    }

    // MARK: /tasks

    func tasks(caller: String) -> EmulatorReply {
        .json(SFAPIWire.TaskList(tasks: seed.tasks.filter { $0.user == caller }.map(Self.facilityTask)))
    }

    func task(id: String, caller: String) -> EmulatorReply {
        guard let task = seed.tasks.first(where: { $0.id == id && $0.user == caller }) else {
            return .error(404, "Task \(id) not found")
        }
        return .json(Self.facilityTask(task))
    }

    static func facilityTask(_ task: EmulatorSeed.UserTask) -> SFAPIWire.FacilityTask {
        SFAPIWire.FacilityTask(id: task.id, status: task.status, result: task.result)
    }

    mutating func cancelTask(id: String, caller: String) -> EmulatorReply {
        guard let index = seed.tasks.firstIndex(where: { $0.id == id && $0.user == caller }) else {
            return .error(404, "Task \(id) not found")
        }
        let wasNew = seed.tasks[index].status == "new"
        if wasNew { seed.tasks[index].status = "cancelled" }
        return .json(Self.facilityTask(seed.tasks[index]), effect: wasNew)
    }

    // MARK: Control

    /// Adds usage to one member's share and to the project's totals.
    mutating func addUsage(repoName: String, user: String, cpuHours: Double, gpuHours: Double) -> EmulatorReply {
        guard let index = projectIndex(repoName) else { return .error(404, "Project \(repoName) not found") }
        guard let memberIndex = memberIndexByProject[index][user] else {
            return .error(404, "User \(user) is not a member of \(repoName)")
        }
        var project = seed.projects[index]
        project.cpu_hours_used =
            (project.cpu_hours_used ?? project.members.reduce(0) { $0 + ($1.cpu_hours_used ?? 0) })
            + cpuHours
        project.gpu_hours_used =
            (project.gpu_hours_used ?? project.members.reduce(0) { $0 + ($1.gpu_hours_used ?? 0) })
            + gpuHours
        project.members[memberIndex].cpu_hours_used = (project.members[memberIndex].cpu_hours_used ?? 0) + cpuHours
        project.members[memberIndex].gpu_hours_used = (project.members[memberIndex].gpu_hours_used ?? 0) + gpuHours
        seed.projects[index] = project
        return .json(projectStats(project, member: project.members[memberIndex]), effect: true)
    }

    /// Sets a system's status, adding the system if it is new.
    mutating func setSystemStatus(name: String, status: SFAPIWire.SystemStatus.State, now: Date) {
        let stamp = ISO8601DateFormatter().string(from: now)
        if let index = seed.systems.firstIndex(where: { $0.name == name }) {
            seed.systems[index].status = status
            seed.systems[index].updated_at = stamp
        } else {
            seed.systems.append(SFAPIWire.SystemStatus(name: name, status: status, updated_at: stamp))
        }
    }
}
