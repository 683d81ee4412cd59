namespace StableDiffusion.Studio.Data;

/// <summary>
/// Any two or three axes (<see cref="Axes"/>); the other kinds are comparisons saved before axes existed: a seed grid
/// (same settings, several seeds) or seeds × one other setting.
/// </summary>
public enum ComparisonKind
{
    Seeds,
    SeedsByGuidance,
    SeedsBySteps,
    SeedsBySampler,
    Axes,
}
