namespace StableDiffusion.Inference.Pipeline;

/// <summary>One job's part of a shared batch (<see cref="StableDiffusionPipeline.GenerateTogether"/>): its settings and its own progress, cancellation and skip.</summary>
public sealed record GenerationRequest(GenerationSettings Settings, IProgress<StepProgress>? Progress = null, CancellationToken CancellationToken = default,
    SkipSignal? Skip = null);
