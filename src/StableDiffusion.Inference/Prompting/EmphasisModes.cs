namespace StableDiffusion.Inference.Prompting;

/// <summary>
/// Emphasis modes by A1111's names ("Original", "No norm", "None"), which its settings, its API's override_settings
/// and its infotext's <c>Emphasis</c> key use.
/// </summary>
public static class EmphasisModes
{
    public static IReadOnlyList<(EmphasisMode Mode, string Name)> All { get; } =
    [
        (EmphasisMode.Original, "Original"),
        (EmphasisMode.NoNorm, "No norm"),
        (EmphasisMode.None, "None"),
    ];

    public static string NameOf(EmphasisMode mode) => All.First(m => m.Mode == mode).Name;

    /// <summary>
    /// The mode A1111 calls <paramref name="name"/>, in any case and with or without the space ("No norm", "NoNorm");
    /// null for a name it does not have here (A1111's "Ignore").
    /// </summary>
    public static EmphasisMode? FromName(string? name) =>
        name is null ? null : All.FirstOrDefault(m => Squeeze(m.Name) == Squeeze(name)) is { Name: not null } found ? found.Mode : null;

    private static string Squeeze(string name) => name.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
