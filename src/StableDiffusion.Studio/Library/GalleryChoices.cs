namespace StableDiffusion.Studio.Library;

/// <summary>The values the gallery's filters can take: only those the owner's images have.</summary>
public sealed record GalleryChoices(IReadOnlyList<string> Models, IReadOnlyList<string> Samplers, IReadOnlyList<string> Sizes)
{
    public static GalleryChoices None { get; } = new([], [], []);
}
