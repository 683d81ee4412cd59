namespace StableDiffusion.Studio.Library;

/// <summary>
/// What the gallery is narrowed to. <see cref="Search"/> matches prompt text, or a seed when it is a number;
/// <see cref="Size"/> is "WIDTH×HEIGHT"; <see cref="Since"/> is UTC. Null or empty means any.
/// </summary>
public sealed record GalleryFilter(string? Search = null, string? Model = null, string? Sampler = null, string? Size = null, DateTime? Since = null)
{
    public static GalleryFilter None { get; } = new();

    public static string SizeOf(int width, int height) => $"{width}×{height}";
}
