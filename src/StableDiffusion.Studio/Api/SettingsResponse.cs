namespace StableDiffusion.Studio.Api;

/// <summary>A job's settings as the native API shows them, the random seed already resolved.</summary>
/// <param name="Sampler">The scheduler id.</param>
/// <param name="SamplerName">A1111's display name for it.</param>
/// <param name="NoiseSource">"cpu" or "nv", as a request names it.</param>
public sealed record SettingsResponse(
    string Prompt,
    string NegativePrompt,
    long Seed,
    int Steps,
    double CfgScale,
    string Sampler,
    string SamplerName,
    int Width,
    int Height,
    int BatchCount,
    string Model,
    bool ImageToImage,
    double? DenoisingStrength,
    string NoiseSource);
