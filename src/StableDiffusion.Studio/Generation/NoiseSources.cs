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
}
