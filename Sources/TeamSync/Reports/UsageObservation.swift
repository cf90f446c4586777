import Foundation

/// One reading of a facility's allocation figures, in no back end's terms: what ``UsageReport`` is built from.
/// Providers make these from their snapshots (SFAPI's project statistics, Slurm's GrpTRESMins and used minutes).
public struct UsageObservation: Sendable, Hashable {
    /// When the figures were read, seconds since 1970 (UTC).
    public var fetchedAt: Double
    /// The facility profile.
    public var facility: String
    /// Whose credentials read them (their own share is the caller's columns).
    public var caller: String
    /// Each project read.
    public var projects: [Project]

    /// Creates an observation.
    public init(fetchedAt: Double, facility: String, caller: String, projects: [Project]) {
        self.fetchedAt = fetchedAt
        self.facility = facility
        self.caller = caller
        self.projects = projects
    }

    /// One project's figures.
    public struct Project: Sendable, Hashable {
        /// The project's name at the facility.
        public var name: String
        /// Its description, when the facility has one.
        public var description: String
        /// The caller's role in it, as the facility spells it.
        public var callerRole: String?
        /// CPU hours.
        public var cpu: Hours
        /// GPU hours.
        public var gpu: Hours
        /// Storage areas.
        public var storage: [StorageUsage]
        /// Each member's own hours, where the facility reports them per person (Slurm associations).
        public var members: [Member]

        /// Creates one.
        public init(
            name: String, description: String = "", callerRole: String? = nil, cpu: Hours, gpu: Hours,
            storage: [StorageUsage] = [], members: [Member] = []
        ) {
            self.name = name
            self.description = description
            self.callerRole = callerRole
            self.cpu = cpu
            self.gpu = gpu
            self.storage = storage
            self.members = members
        }
    }

    /// One kind of hours: the project's and the caller's, each given (the allocation or limit) and used.
    public struct Hours: Sendable, Hashable {
        public var projectGiven: Double?
        public var projectUsed: Double?
        public var callerGiven: Double?
        public var callerUsed: Double?

        /// Creates one.
        public init(
            projectGiven: Double? = nil, projectUsed: Double? = nil, callerGiven: Double? = nil,
            callerUsed: Double? = nil
        ) {
            self.projectGiven = projectGiven
            self.projectUsed = projectUsed
            self.callerGiven = callerGiven
            self.callerUsed = callerUsed
        }
    }

    /// One member's hours in a project: used, and their own limit when they have one.
    public struct Member: Sendable, Hashable, Codable {
        /// The username.
        public var user: String
        public var cpuUsed: Double?
        public var cpuLimit: Double?
        public var gpuUsed: Double?
        public var gpuLimit: Double?

        /// Creates one.
        public init(
            user: String, cpuUsed: Double? = nil, cpuLimit: Double? = nil, gpuUsed: Double? = nil,
            gpuLimit: Double? = nil
        ) {
            self.user = user
            self.cpuUsed = cpuUsed
            self.cpuLimit = cpuLimit
            self.gpuUsed = gpuUsed
            self.gpuLimit = gpuLimit
        }
    }
}

extension UsageObservation.Project {
    /// The figures of one kind of hours.
    func hours(_ resource: HoursResource) -> UsageObservation.Hours {
        switch resource {
        case .cpu: return cpu
        case .gpu: return gpu
        }
    }
}
