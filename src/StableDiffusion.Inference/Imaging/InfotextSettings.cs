namespace StableDiffusion.Inference.Imaging;

/// <summary>The settings A1111's infotext records, typed where the studio uses them.</summary>
/// <param name="Sampler">A1111's display name, e.g. "DPM++ 2M" or "Euler a".</param>
/// <param name="NegativePrompt">Empty when there is none.</param>
public sealed record InfotextSettings(
    string Prompt,
    string NegativePrompt,
    int Steps,
    string Sampler,
    double CfgScale,
    long Seed,
    int Width,
    int Height)
{
    /// <summary>"Karras", "Automatic"...; null leaves the key out.</summary>
    public string? ScheduleType { get; init; }

    /// <summary>First 10 hex digits of the checkpoint's SHA-256.</summary>
    public string? ModelHash { get; init; }

    public string? Model { get; init; }

    /// <summary>img2img only.</summary>
    public double? DenoisingStrength { get; init; }

    /// <summary>A1111's random source when it is not "GPU": "CPU" (torch's CPU generator) or "NV" (Philox).</summary>
    public string? Rng { get; init; }

    /// <summary>Every other key (hires fix, LoRA hashes, Version...), in the order read or to be written.</summary>
    public OrderedDictionary<string, string> Extra { get; init; } = new(StringComparer.Ordinal);
}
