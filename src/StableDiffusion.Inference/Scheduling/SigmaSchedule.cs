namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// The inference timesteps and sigmas of the σ-parameterised schedulers (Euler, Euler a, LMS, Heun),
/// as their diffusers <c>set_timesteps</c> builds them: spaced timesteps, σ interpolated linearly at each
/// (or the Karras ramp with its timesteps found in log σ), then a final σ of 0.
/// </summary>
internal sealed record SigmaSchedule(double[] Timesteps, double[] Sigmas, double InitNoiseSigma)
{
    /// <param name="interpolateAtFloat32">Euler and Euler a build the linspace in float32 before interpolating.</param>
    public static SigmaSchedule Build(NoiseSchedule schedule, SchedulerConfig config, TimestepSpacing spacing, int count, bool interpolateAtFloat32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, schedule.NumTrainTimesteps);
        var timesteps = schedule.SpacedTimesteps(spacing, count, config.StepsOffset ?? 0);
        if (interpolateAtFloat32)
        {
            timesteps = Array.ConvertAll(timesteps, t => (double)(float)t);
        }

        var sigmas = Array.ConvertAll(timesteps, schedule.InterpolateSigma);
        if (config.UseKarrasSigmas == true)
        {
            sigmas = NoiseSchedule.KarrasSigmas(sigmas[^1], sigmas[0], count);
            timesteps = Array.ConvertAll(sigmas, schedule.SigmaToTimestep);
        }

        var finalSigma = (config.FinalSigmasType ?? "zero") switch
        {
            "zero" => 0.0,
            "sigma_min" => schedule.SigmaMin,
            var other => throw new NotSupportedException($"Unsupported final_sigmas_type '{other}' (expected zero or sigma_min)."),
        };

        // diffusers keeps these timesteps as float32: the UNet sees 946.4210815429688, not 946.42105….
        timesteps = Array.ConvertAll(timesteps, t => (double)(float)t);
        double[] withFinal = [.. sigmas, finalSigma];
        return new SigmaSchedule(timesteps, withFinal, InitNoiseSigmaFor(spacing, withFinal.Max()));
    }

    /// <summary>
    /// σ_max under linspace/trailing but √(σ_max² + 1) under leading: diffusers' <c>init_noise_sigma</c>
    /// property of <c>scheduling_euler_discrete.py</c> and its siblings.
    /// </summary>
    public static double InitNoiseSigmaFor(TimestepSpacing spacing, double maxSigma) =>
        spacing is TimestepSpacing.Linspace or TimestepSpacing.Trailing ? maxSigma : Math.Sqrt(maxSigma * maxSigma + 1);

    /// <summary>x / √(σ² + 1): the preconditioning that turns an ε-model into a σ-space denoiser input.</summary>
    public static void ScaleModelInput(double sigma, ReadOnlySpan<double> sample, Span<double> destination) =>
        System.Numerics.Tensors.TensorPrimitives.Divide(sample, Math.Sqrt(sigma * sigma + 1), destination);
}
