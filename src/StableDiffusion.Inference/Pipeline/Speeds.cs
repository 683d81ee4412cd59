namespace StableDiffusion.Inference.Pipeline;

/// <summary>The <see cref="Speed"/> setting's words: "exact" and "fast" in the APIs and on the command line, in any case.</summary>
public static class Speeds
{
    public static IReadOnlyList<Speed> All { get; } = [Speed.Exact, Speed.Fast];

    /// <summary>"exact" or "fast".</summary>
    public static string NameOf(Speed speed) => speed.ToString().ToLowerInvariant();

    /// <summary>The speed a request names, in any case; null for any other word (numbers included).</summary>
    public static Speed? FromName(string? name) => All.Cast<Speed?>().FirstOrDefault(s => string.Equals(NameOf(s!.Value), name, StringComparison.OrdinalIgnoreCase));
}
