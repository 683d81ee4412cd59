using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The noise source in A1111's words (modules/rng.py "Random number generator source"): "CPU" draws the initial
/// noise with torch's CPU generator (<see cref="NoiseSource.Torch"/>), "NV" as torch on an NVIDIA GPU
/// (<see cref="NoiseSource.Philox"/>), so a seed matches images made on either kind of machine. The studio keeps
/// these words where A1111 users meet them: the form, the stored job, the A1111 API.
/// </summary>
public static class NoiseSources
{
    public static IReadOnlyList<(NoiseSource Source, string Name)> All { get; } =
    [
        (NoiseSource.Torch, "CPU (torch)"),
        (NoiseSource.Philox, "NV (Philox, as on NVIDIA GPUs)"),
    ];

    public static string NameOf(NoiseSource source) => All.FirstOrDefault(s => s.Source == source).Name ?? source.ToString();

    /// <summary>"CPU" or "NV".</summary>
    public static string ToA1111(NoiseSource source) => source == NoiseSource.Philox ? "NV" : "CPU";

    /// <summary>
    /// The source for an A1111 <c>randn_source</c> setting or infotext <c>RNG</c> value: "CPU" is torch's CPU generator;
    /// "GPU" (torch on the GPU, which for A1111's users is an NVIDIA card) and "NV" are Philox. Null for anything else.
    /// </summary>
    public static NoiseSource? FromA1111(string? value) => value?.ToUpperInvariant() switch
    {
        "CPU" => NoiseSource.Torch,
        "GPU" or "NV" => NoiseSource.Philox,
        _ => null,
    };
}
