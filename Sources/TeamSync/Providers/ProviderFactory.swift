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
}
