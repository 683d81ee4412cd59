namespace StableDiffusion.Studio.Api;

/// <summary>A page of your jobs, newest first.</summary>
public sealed record GenerationList(IReadOnlyList<GenerationResponse> Items, int Page, int PageSize, int Total);
