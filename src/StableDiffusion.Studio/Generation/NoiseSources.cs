using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// A1111's "Random number generator source" setting (modules/rng.py): "CPU" draws the initial noise with torch's CPU
/// generator, "NV" as torch on an NVIDIA GPU (Philox), so a seed matches images made on either kind of machine.
/// </summary>
public static class NoiseSources
{
    public const string Cpu = "CPU";

    public const string Nv = "NV";

    public static IReadOnlyList<(string Id, string Name)> All { get; } =
    [
        (Cpu, "CPU (torch)"),
        (Nv, "NV (Philox, as on NVIDIA GPUs)"),
    ];

    public static bool IsKnownId(string id) => id is Cpu or Nv;

    public static string NameOf(string id) => All.FirstOrDefault(s => s.Id == id).Name ?? id;

    public static NoiseSource ToInference(string id) => id == Nv ? NoiseSource.Philox : NoiseSource.Torch;

    public static string FromInference(NoiseSource source) => source == NoiseSource.Philox ? Nv : Cpu;

    /// <summary>
    /// The source for an A1111 <c>randn_source</c> setting or infotext <c>RNG</c> value: "CPU" is torch's CPU generator;
    /// "GPU" (torch on the GPU, which for A1111's users is an NVIDIA card) and "NV" are Philox. Null for anything else.
    /// </summary>
    public static string? FromA1111(string? value) => value?.ToUpperInvariant() switch
    {
        "CPU" => Cpu,
        "GPU" or "NV" => Nv,
        _ => null,
    };
}
