using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// One diffusion sampler, driven the way diffusers' pipelines drive theirs. Everything is indexed
/// by loop iteration (never by timestep value: timesteps repeat in PNDM, Heun and Karras schedules).
/// Latents are double; the pipeline converts to the UNet's dtype.
/// </summary>
public interface IScheduler
{
    /// <summary>Builds the schedule for <paramref name="numInferenceSteps"/> and resets all state.</summary>
    void SetTimesteps(int numInferenceSteps);

    /// <summary>One timestep per loop iteration (PNDM has N+1, Heun 2N-1).</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>True when the reference schedule is int64 (DDIM, PNDM, DDPM, LCM, DPM++), false for float32 ones.</summary>
    bool HasIntegerTimesteps { get; }

    double InitNoiseSigma { get; }

    /// <summary>diffusers' <c>order</c>: 2 for Heun, 1 for the rest (img2img start index = t_start * Order).</summary>
    int Order { get; }

    /// <summary>Starts the loop at iteration <paramref name="beginIndex"/> (img2img).</summary>
    void SetBeginIndex(int beginIndex);

    void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination);

    /// <summary>
    /// Whether <see cref="ScaleModelInput"/> copies the sample unchanged (the ᾱ-parameterised samplers), so the UNet may
    /// read the sample itself.
    /// </summary>
    bool ModelInputIsSample => false;

    /// <summary>Advances <paramref name="sample"/> in place by one loop iteration.</summary>
    /// <param name="noise">Source of fresh noise for ancestral/stochastic samplers; others ignore it.</param>
    /// <returns>
    /// The predicted clean sample (x0) of this iteration, for previews: read it before the step after next, and never write
    /// into it (a multistep scheduler keeps it as its history and reuses its buffers).
    /// </returns>
    double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise);

    /// <summary>Noises a clean latent to the level of loop iteration <paramref name="stepIndex"/> (img2img).</summary>
    void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination);
}
