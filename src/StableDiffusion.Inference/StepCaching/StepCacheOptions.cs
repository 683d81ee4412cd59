namespace StableDiffusion.Inference.StepCaching;

/// <summary>
/// What "Speed: Fast" does in the denoising loop: AdaptiveDiffusion's step skipping (Ye et al., NeurIPS 2024,
/// "Training-Free Adaptive Diffusion with Bounded Difference Approximation Strategy") and, T-GATE-style, guidance
/// truncation (the unconditional half of classifier-free guidance dropped for the last steps, as A1111's "negative
/// guidance minimum sigma" drops it below a sigma). Either is off at its default.
/// </summary>
public sealed record StepCacheOptions
{
    /// <summary>
    /// AdaptiveDiffusion's ξ: a step reuses the last noise prediction when the latents' third-order difference is at most
    /// ξ times their first-order one (<see cref="StepSkipper"/>); 0 never skips.
    /// </summary>
    public double SkipThreshold { get; init; }

    /// <summary>Skipped steps in a row before the UNet must run again, so the reused prediction never grows stale.</summary>
    public int MaxConsecutiveSkips { get; init; } = 2;

    /// <summary>
    /// Steps at the start of each loop that always run the UNet: the criterion needs three differences, and the image's
    /// layout is decided in the first steps.
    /// </summary>
    public int WarmupSteps { get; init; } = 4;

    /// <summary>
    /// The fraction of the loop's steps after which the unconditional half is no longer computed and the prediction is the
    /// prompt's alone (guidance scale 1); 1 keeps guidance to the end.
    /// </summary>
    public double GuidanceCutoff { get; init; } = 1;

    /// <summary>Nothing cached: the loop runs exactly as <see cref="Pipeline.Speed.Exact"/>.</summary>
    public static StepCacheOptions Off { get; } = new();

    /// <summary>The defaults of "Speed: Fast", chosen by measurement on the embedded model (docs/performance.md, "Step caching").</summary>
    public static StepCacheOptions Fast { get; } = new() { SkipThreshold = 0.2, MaxConsecutiveSkips = 2, WarmupSteps = 4, GuidanceCutoff = 0.8 };

    /// <summary>Whether loop iteration <paramref name="stepIndex"/> of a loop over [<paramref name="beginIndex"/>, <paramref name="count"/>) runs the prompt alone.</summary>
    public bool DropsUnconditional(int stepIndex, int beginIndex, int count) =>
        GuidanceCutoff < 1 && stepIndex - beginIndex >= Math.Ceiling(GuidanceCutoff * (count - beginIndex));
}
