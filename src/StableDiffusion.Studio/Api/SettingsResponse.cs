using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>A job's settings as the native API shows them, the random seed already resolved.</summary>
/// <param name="Sampler">The scheduler id.</param>
/// <param name="SamplerName">A1111's display name for it.</param>
/// <param name="EmphasisMode">"Original", "No norm" or "None".</param>
/// <param name="NoiseSource">"cpu" or "nv", as a request names it.</param>
/// <param name="Speed">"exact" or "fast", as a request names it.</param>
/// <param name="Vae">The standalone VAE the job decoded with; null for the model's own.</param>
/// <param name="TextEncoder">The standalone text encoder the job encoded its prompts with; null for the model's own.</param>
/// <param name="Inpainting">The mask's settings when the job inpainted; null otherwise.</param>
public sealed record SettingsResponse(
    string Prompt,
    string NegativePrompt,
    string EmphasisMode,
    bool PadPrompts,
    long Seed,
    int Steps,
    double CfgScale,
    string Sampler,
    string SamplerName,
    int Width,
    int Height,
    int BatchSize,
    int BatchCount,
    bool EnableHires,
    double HiresScale,
    string HiresUpscaler,
    int HiresSteps,
    double HiresDenoisingStrength,
    int HiresResizeWidth,
    int HiresResizeHeight,
    string Model,
    string? Vae,
    string? TextEncoder,
    bool ImageToImage,
    double? DenoisingStrength,
    InpaintingResponse? Inpainting,
    string NoiseSource,
    string Speed,
    long VariationSeed,
    double VariationStrength,
    int SeedResizeFromWidth,
    int SeedResizeFromHeight)
{
    /// <summary>The native API's one mapping from <see cref="GenerationSettings"/>; the noise source in its request words.</summary>
    /// <param name="inpainting">Whether the job had a mask; its settings are shown only then.</param>
    public static SettingsResponse From(GenerationSettings s, bool imageToImage, bool inpainting = false) => new(
        s.Prompt, s.NegativePrompt, EmphasisModes.NameOf(s.EmphasisMode), s.PadPrompts, s.Seed, s.Steps, s.GuidanceScale, s.Scheduler, SamplerCatalog.DisplayNameOf(s.Scheduler), s.Width, s.Height,
        s.BatchSize, s.BatchCount, s.EnableHires, s.HiresScale, s.HiresUpscaler, s.HiresSteps, s.HiresDenoisingStrength, s.HiresResizeWidth, s.HiresResizeHeight,
        s.Model, s.Vae, s.TextEncoder, imageToImage, imageToImage ? s.Strength : null, inpainting ? InpaintingResponse.From(s) : null, NoiseSources.ToA1111(s.NoiseSource).ToLowerInvariant(),
        Speeds.NameOf(s.Speed),
        s.VariationSeed, s.VariationStrength, s.SeedResizeFromWidth, s.SeedResizeFromHeight);
}
