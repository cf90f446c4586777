/// The one place that turns a profile into a back end. Adding a back end is a folder under `Providers/` and a case
/// here.
public enum ProviderFactory {
    /// The provider for a context's settings. Profiles without a `provider:` key are SFAPI, as before.
    public static func provider(for context: TeamctlContext) -> any FacilityProvider {
        SFAPIProvider(client: context.client, facility: context.settings.profile)
    }
}
