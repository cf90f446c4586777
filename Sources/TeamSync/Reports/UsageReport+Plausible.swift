import Foundation

/// Figures no facility can truthfully report, left out of reports so that no sum, rate or percentage overflows and the
/// JSON stays valid: a value that is not a finite number, or larger than any allocation can be.
///
/// A hostile or broken facility that answers with `1e308` hours, infinity or NaN (or a Slurm limit of `INFINITE`
/// minutes) gets a report without that figure and a note that names it, never `inf` or `nan` in the JSON, an encoding
/// error or a crash.
extension UsageReport {
    /// More hours than a machine of a million nodes runs in a hundred thousand years: no allocation is larger.
    public static let largestPlausibleHours = 1e15
    /// A yottabyte.
    public static let largestPlausibleBytes = 1e24
    /// More files than any file system holds.
    public static let largestPlausibleFiles = 1e18

    /// `observation` with every implausible figure left out; `notes` gets, per project, one line for each kind of
    /// figure left out (once, however many snapshots held it).
    static func plausible(_ observation: UsageObservation, notes: inout [String: [String]]) -> UsageObservation {
        var observation = observation
        for index in observation.projects.indices {
            var project = observation.projects[index]
            var found: [String] = []
            func check(_ value: inout Double?, _ what: String, limit: Double) {
                guard let figure = value else { return }
                if !figure.isFinite {
                    found.append("\(what): the facility gave a value that is not a finite number; left out")
                } else if abs(figure) > limit {
                    found.append(
                        "\(what): the facility gave \(String(format: "%.3g", figure)), more than any allocation "
                            + "can be; left out")
                } else {
                    return
                }
                value = nil
            }
            for resource in HoursResource.allCases {
                var hours = project.hours(resource)
                let label = resource.label
                check(&hours.projectGiven, "\(label) hours given to the project", limit: largestPlausibleHours)
                check(&hours.projectUsed, "\(label) hours the project used", limit: largestPlausibleHours)
                check(&hours.callerGiven, "\(label) hours given to you", limit: largestPlausibleHours)
                check(&hours.callerUsed, "\(label) hours you used", limit: largestPlausibleHours)
                switch resource {
                case .cpu: project.cpu = hours
                case .gpu: project.gpu = hours
                }
            }
            for area in project.storage.indices {
                var storage = project.storage[area]
                let label = "\(storage.area.label) \(storage.name)"
                check(&storage.bytesGiven, "\(label) bytes quota", limit: largestPlausibleBytes)
                check(&storage.bytesUsed, "\(label) bytes used", limit: largestPlausibleBytes)
                check(&storage.filesGiven, "\(label) files quota", limit: largestPlausibleFiles)
                check(&storage.filesUsed, "\(label) files used", limit: largestPlausibleFiles)
                // A percentage goes with the figures it is made of, and is never more than a finite number.
                if storage.bytesUsed == nil || storage.bytesGiven == nil || storage.bytesPercentUsed?.isFinite == false
                {
                    storage.bytesPercentUsed = reportPercent(storage.bytesUsed, of: storage.bytesGiven)
                }
                if storage.filesUsed == nil || storage.filesGiven == nil || storage.filesPercentUsed?.isFinite == false
                {
                    storage.filesPercentUsed = reportPercent(storage.filesUsed, of: storage.filesGiven)
                }
                project.storage[area] = storage
            }
            for member in project.members.indices {
                var figures = project.members[member]
                let who = figures.user
                check(&figures.cpuUsed, "\(who)'s CPU hours used", limit: largestPlausibleHours)
                check(&figures.cpuLimit, "\(who)'s CPU hours limit", limit: largestPlausibleHours)
                check(&figures.gpuUsed, "\(who)'s GPU hours used", limit: largestPlausibleHours)
                check(&figures.gpuLimit, "\(who)'s GPU hours limit", limit: largestPlausibleHours)
                project.members[member] = figures
            }
            observation.projects[index] = project
            for note in found where !(notes[project.name]?.contains(note) ?? false) {
                notes[project.name, default: []].append(note)
            }
        }
        return observation
    }
}
