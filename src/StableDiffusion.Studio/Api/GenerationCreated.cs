namespace StableDiffusion.Studio.Api;

/// <summary>The answer to a submission: where to follow the job.</summary>
public sealed record GenerationCreated(Guid Id, string Status, string Url);
