namespace StableDiffusion.Inference.Scheduling;

/// <summary>One scheduler id and how AUTOMATIC1111 names it.</summary>
/// <param name="Id">The scheduler id the factory accepts (<c>dpmpp-2m-karras</c>).</param>
/// <param name="SamplerName">A1111's <c>Sampler</c> (<c>DPM++ 2M</c>).</param>
/// <param name="ScheduleType">A1111's <c>Schedule type</c> label (<c>Karras</c>), or null for "Automatic".</param>
/// <param name="DisplayName">What a user sees in a list (<c>DPM++ 2M Karras</c>).</param>
public sealed record SamplerEntry(string Id, string SamplerName, string? ScheduleType, string DisplayName);
