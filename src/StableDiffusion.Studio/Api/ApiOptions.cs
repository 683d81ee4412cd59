namespace StableDiffusion.Studio.Api;

/// <summary>The <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// Keys for headless set-ups (as A1111's <c>--api-auth</c>), e.g. from <c>Api__Keys__0__User</c> and
    /// <c>Api__Keys__0__Key</c>. They work next to the keys users make on the settings page, and cannot be revoked there.
    /// </summary>
    public List<ConfiguredApiKey> Keys { get; set; } = [];

    /// <summary>Browser origins allowed to call the API across origins (CORS); none by default.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}
