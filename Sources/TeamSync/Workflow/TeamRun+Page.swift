import AccountModels
import Foundation

extension TeamRun {
    /// Everything the team page shows, from each facility's newest cached state (read first when `refresh`): the
    /// plans against it, how long each manual item has been open, the outside changes of the last `driftDays` days
    /// and the usage figures the cache holds. A facility that cannot be read or planned is named with why, and the
    /// page is made from the others.
    public func page(refresh: Bool, today: CalendarDay, driftDays: Int = 30) async throws -> TeamPage {
        guard let team else { throw WorkflowError.noTeam }
        let now = Date()
        let observedResults = await observe(refresh: refresh)
        var observed: [String: ObservedState] = [:]
        var plans: [String: Plan] = [:]
        var problems: [String: String] = [:]
        var openSince: [String: [String: Double]] = [:]
        var drift: [DriftEvent] = []
        var usage: [String: UsageReport] = [:]
        var histories: [String: [UsageObservation]] = [:]
        var providers: [String: String] = [:]
        let driftSince = CalendarDay(daysSinceEpoch: today.daysSinceEpoch - max(0, driftDays))
        for facility in team.facilities {
            guard let workflow = workflows[facility.name] else { continue }
            providers[facility.name] = workflow.provider.name
            switch observedResults[facility.name] {
            case .success(let state)?:
                observed[facility.name] = state
                do {
                    plans[facility.name] = try await workflow.plan([facility.manifest], against: state, today: today)
                } catch {
                    problems[facility.name] = "could not be planned: \(error)"
                }
            case .failure(let error)?:
                problems[facility.name] = refresh ? "could not be read: \(error)" : "\(error)"
            case nil:
                break
            }
            openSince[facility.name] = (try? workflow.cache.openManualItems(facility: facility.name)) ?? [:]
            if let found = try? await workflow.drift(
                manifests: [facility.manifest], since: Double(driftSince.daysSinceEpoch) * 86_400)
            {
                drift += found ?? []
            }
            if let history = try? workflow.provider.usageHistory(cache: workflow.cache), !history.isEmpty {
                histories[facility.name] = history
                usage[facility.name] = UsageReport.build(
                    observations: history, projects: [facility.manifest.manifest.project], now: now)
            }
        }
        return TeamPage.build(
            team: team, observed: observed, plans: plans, problems: problems, openSince: openSince, drift: drift,
            driftSince: driftSince, usage: usage,
            usageByPerson: histories.isEmpty ? nil : TeamUsageReport.build(team: team, histories: histories, now: now),
            now: now, today: today, providers: providers)
    }
}
