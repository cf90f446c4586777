import AccountModels
import Foundation

/// The one place that turns a profile into a back end. Adding a back end is a folder under `Providers/` and a case
/// here.
public enum ProviderFactory {
    /// The provider for a profile's settings: `provider: slurm` profiles are Slurm accounting; profiles without a
    /// `provider:` key are SFAPI, as before.
    public static func provider(
        settings: ConnectionSettings, client: SFAPIClient, transport: any HTTPTransport, dryRun: Bool
    ) -> any FacilityProvider {
        if let slurm = settings.slurm {
            return SlurmProvider(facility: settings.profile, settings: slurm, transport: transport, dryRun: dryRun)
        }
        return SFAPIProvider(client: client, facility: settings.profile)
    }

    /// What the facility of a profile's back end holds (`provider:` as the config file spells it). Slurm
    /// accounting keeps no Unix groups; NERSC's Iris holds every aspect, whatever SFAPI can show or write of it.
    public static func traits(provider: String?) -> FacilityTraits {
        switch provider?.lowercased() {
        case "slurm":
            return FacilityTraits(provider: "slurm", holds: [.roster, .roles, .permissions, .limits])
        default:
            return FacilityTraits(provider: "sfapi", holds: Set(ProviderCapabilities.Aspect.allCases))
        }
    }
}
