import AccountModels

extension ProviderCapabilities {
    /// SFAPI v1.2's capabilities (``SFAPIProvider/capabilities``).
    public static let sfapiV1_2 = SFAPIProvider.capabilities
}

extension Planner {
    /// Plans against an SFAPI snapshot: its neutral view by ``SFAPIProvider``'s rules, worded for Iris, with SFAPI's
    /// naming rules.
    /// `formerMembers` are, per project, the people earlier snapshots showed in its groups.
    public static func plan(
        manifests: [TeamManifest], observed snapshot: FacilitySnapshot,
        capabilities: ProviderCapabilities = SFAPIProvider.capabilities, options: PlanOptions,
        formerMembers: [String: Set<String>] = [:], snapshotHash: String? = nil
    ) -> Plan {
        plan(
            manifests: manifests,
            observed: SFAPIProvider.observedState(
                of: snapshot, for: manifests, formerMembers: formerMembers, snapshotHash: snapshotHash),
            provider: "sfapi", capabilities: capabilities, wording: SFAPIWording(), naming: SFAPINaming(),
            options: options)
    }
}
