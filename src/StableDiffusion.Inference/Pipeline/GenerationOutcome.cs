namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// How one request of a shared batch ended: its <see cref="Result"/>, or the <see cref="Error"/> it would have thrown
/// alone (<see cref="OperationCanceledException"/> when it was cancelled, <see cref="ArgumentException"/> for settings
/// the model cannot take).
/// </summary>
public sealed record GenerationOutcome(GenerationResult? Result, Exception? Error)
{
    public static GenerationOutcome Succeeded(GenerationResult result) => new(result, null);

    public static GenerationOutcome Failed(Exception error) => new(null, error);
}
