namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Builds a scheduler from its id and a model's scheduler config, the way
/// <c>pipe.scheduler = X.from_config(pipe.scheduler.config, **overrides)</c> swaps schedulers in diffusers:
/// keys the file has are kept, absent ones take the chosen class's defaults, and the id fixes the
/// algorithm-defining options (DPM++ 2M: <c>dpmsolver++</c>, order 2, Karras sigmas or not).
/// </summary>
public static class SchedulerFactory
{
    /// <param name="id">One of <see cref="SamplerCatalog.Ids"/>.</param>
    /// <param name="eta">DDIM's η (0 = deterministic); the other schedulers ignore it.</param>
    /// <exception cref="ArgumentException">The id is unknown.</exception>
    public static IScheduler Create(string id, SchedulerConfig config, double eta = 0)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(config);
        return id switch
        {
            "ddim" => new DdimScheduler(config, eta),
            "pndm" => new PndmScheduler(config),
            "euler" => new EulerDiscreteScheduler(config),
            "euler-a" => new EulerAncestralDiscreteScheduler(config),
            "dpmpp-2m" => new DpmSolverMultistepScheduler(DpmPlusPlus2M(config, karras: false)),
            "dpmpp-2m-karras" => new DpmSolverMultistepScheduler(DpmPlusPlus2M(config, karras: true)),
            "lms" => new LmsDiscreteScheduler(config),
            "lcm" => new LcmScheduler(config),
            "ddpm" => new DdpmScheduler(config),
            "heun" => new HeunDiscreteScheduler(config),
            _ => throw new ArgumentException($"Unknown scheduler '{id}'. Known schedulers: {string.Join(", ", SamplerCatalog.Ids)}.", nameof(id)),
        };
    }

    private static SchedulerConfig DpmPlusPlus2M(SchedulerConfig config, bool karras) =>
        config with { AlgorithmType = "dpmsolver++", SolverOrder = 2, UseKarrasSigmas = karras };
}
