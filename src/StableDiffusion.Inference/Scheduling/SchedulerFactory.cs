namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Builds a scheduler from its id and a model's scheduler config, the way
/// <c>pipe.scheduler = X.from_config(pipe.scheduler.config, **overrides)</c> swaps schedulers in diffusers:
/// keys the file has are kept, absent ones take the chosen class's defaults, and the id fixes the
/// algorithm-defining options (DPM++ 2M: <c>dpmsolver++</c>, order 2, Karras sigmas or not). Each
/// <see cref="SamplerCatalog"/> entry carries its own constructor.
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
        return SamplerCatalog.Get(id).Create(config, eta);
    }
}
