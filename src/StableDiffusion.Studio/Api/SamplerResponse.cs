namespace StableDiffusion.Studio.Api;

/// <param name="Id">What <c>sampler</c> takes.</param>
/// <param name="Name">The name shown in lists, also accepted as <c>sampler</c>.</param>
/// <param name="A1111Sampler">A1111's <c>sampler_name</c>.</param>
/// <param name="A1111Scheduler">A1111's <c>scheduler</c> (schedule type); null for its Automatic.</param>
public sealed record SamplerResponse(string Id, string Name, string A1111Sampler, string? A1111Scheduler);
