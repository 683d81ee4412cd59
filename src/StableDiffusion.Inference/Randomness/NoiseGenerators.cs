namespace StableDiffusion.Inference.Randomness;

/// <summary>Creates the seeded generator that reproduces a given reference's torch.randn.</summary>
public static class NoiseGenerators
{
    /// <summary>A fresh stream, as right after manual_seed(seed); each Fill continues it like another torch.randn call.</summary>
    public static INoiseGenerator Create(NoiseSource source, long seed) => source switch
    {
        NoiseSource.Torch => new TorchCpuNoiseGenerator(seed),
        NoiseSource.Philox => new PhiloxNoiseGenerator(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown noise source."),
    };
}
