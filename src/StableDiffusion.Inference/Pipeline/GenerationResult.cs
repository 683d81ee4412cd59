namespace StableDiffusion.Inference.Pipeline;

/// <param name="Warnings">Things the user should see, e.g. a prompt truncated past the model's token limit.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationTimings Timings, IReadOnlyList<string> Warnings);
