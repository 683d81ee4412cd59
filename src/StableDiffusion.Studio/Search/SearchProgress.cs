namespace StableDiffusion.Studio.Search;

/// <summary>How many of a user's images have a vector of the current CLIP model; <see cref="Unavailable"/> says why search is off.</summary>
public sealed record SearchProgress(int Indexed, int Total, string? ModelId, string? Unavailable)
{
    public bool IsComplete => Indexed >= Total;
}
