namespace StableDiffusion.Studio.Data;

/// <summary>A seed grid (same settings, several seeds) or an X/Y grid of seeds × one other setting.</summary>
public enum ComparisonKind
{
    Seeds,
    SeedsByGuidance,
    SeedsBySteps,
    SeedsBySampler,
}
