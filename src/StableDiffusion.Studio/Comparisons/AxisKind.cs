namespace StableDiffusion.Studio.Comparisons;

/// <summary>A setting a comparison's axis varies: A1111's X/Y/Z plot types that this studio offers.</summary>
public enum AxisKind
{
    Seed,
    GuidanceScale,
    Steps,
    Sampler,

    /// <summary>A1111's "Prompt S/R": the first value is text to find in the prompts; each value replaces it in turn.</summary>
    PromptReplace,
}
