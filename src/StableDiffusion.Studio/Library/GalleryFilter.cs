namespace StableDiffusion.Studio.Library;

/// <summary>
/// What the gallery is narrowed to, and in what order. <see cref="Search"/> matches prompt text, or a seed when it is a
/// number; <see cref="Size"/> is "WIDTH×HEIGHT"; <see cref="Since"/> is UTC. Null or empty means any.
/// </summary>
public sealed record GalleryFilter(
    string? Search = null,
    string? Model = null,
    string? Sampler = null,
    string? Size = null,
    DateTime? Since = null,
    GalleryOrder Order = GalleryOrder.Newest)
{
    public static GalleryFilter None { get; } = new();

    public static string SizeOf(int width, int height) => $"{width}×{height}";
}

/// <summary>The gallery's sort orders (a search by meaning ranks by similarity instead).</summary>
public enum GalleryOrder
{
    Newest,
    Oldest,

    /// <summary>By CLIP score, how closely each image matches its own prompt: best first; images not scored yet last.</summary>
    BestMatch,
}
