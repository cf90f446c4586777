import AccountModels
import Foundation

/// The one place that turns a profile into a back end. Adding a back end is a folder under `Providers/` and a case
/// here.
public enum ProviderFactory {
    /// The provider for a profile's settings: `provider: slurm` profiles are Slurm accounting; profiles without a
    /// `provider:` key are SFAPI, as before.
    public static func provider(
        settings: ConnectionSettings, client: SFAPIClient, transport: any HTTPTransport, dryRun: Bool,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> any FacilityProvider {
        if let slurm = settings.slurm {
            return SlurmProvider(facility: settings.profile, settings: slurm, transport: transport, dryRun: dryRun)
        }
        if let firecrest = settings.firecrest {
            return FirecRESTProvider(facility: settings.profile, settings: firecrest, transport: transport)
        }
        var sfapi = SFAPIProvider(client: client, facility: settings.profile)
        sfapi.now = now
        return sfapi
    }

    /// How a profile named `name` is written for each back end, for advice on a missing profile.
    public static func profileExamples(name: String) -> String {
        "'\(name): {}' for NERSC's SF API, or 'provider: slurm' or 'provider: firecrest' with their settings"
    }

    /// What the facility of a profile's back end holds (`provider:` as the config file spells it). Slurm
    /// accounting keeps no Unix groups; CSCS's portal holds membership and roles; NERSC's Iris holds every aspect,
    /// whatever SFAPI can show or write of it.
    public static func traits(provider: String?) -> FacilityTraits {
        switch provider?.lowercased() {
        case "slurm":
            return FacilityTraits(provider: "slurm", holds: [.roster, .roles, .permissions, .limits])
        case "firecrest":
            // CSCS's account portal keeps who is in a project and who is its PI or deputy PI; project groups
            // follow membership, and allocations are per project in node hours, not per member.
            return FacilityTraits(provider: "firecrest", holds: [.roster, .roles])
        default:
            return FacilityTraits(provider: "sfapi", holds: Set(ProviderCapabilities.Aspect.allCases))
        }
    }
}
