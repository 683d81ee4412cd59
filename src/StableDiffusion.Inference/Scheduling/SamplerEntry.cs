namespace StableDiffusion.Inference.Scheduling;

/// <summary>One scheduler id, how AUTOMATIC1111 names it, and how it is built.</summary>
/// <param name="Id">The scheduler id the factory accepts (<c>dpmpp-2m-karras</c>).</param>
/// <param name="SamplerName">A1111's <c>Sampler</c> (<c>DPM++ 2M</c>).</param>
/// <param name="ScheduleType">A1111's <c>Schedule type</c> label (<c>Karras</c>), or null for "Automatic".</param>
/// <param name="DisplayName">What a user sees in a list (<c>DPM++ 2M Karras</c>).</param>
public sealed record SamplerEntry(string Id, string SamplerName, string? ScheduleType, string DisplayName)
{
    /// <summary>The scheduler from a model's config and DDIM's η (which the others ignore).</summary>
    internal Func<SchedulerConfig, double, IScheduler> Create { get; init; } = null!;

    /// <summary>
    /// Whether each step adds fresh noise (ancestral and stochastic samplers): a reused noise prediction knows nothing of
    /// it, so step caching skips no steps with these (Speed: Fast keeps only its guidance truncation).
    /// </summary>
    public bool AddsNoiseEachStep { get; init; }
}
