namespace StableDiffusion.Studio.Api;

/// <summary>One key named in configuration and the studio user id its requests act as.</summary>
public sealed class ConfiguredApiKey
{
    /// <summary>
    /// A stable user id. Use the id the settings page shows to act as that browser's user (same gallery and queue),
    /// or any other name (letters, digits, '-', '_', '.', '@') for a user of its own.
    /// </summary>
    public string User { get; set; } = "";

    public string Key { get; set; } = "";
}
