using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>One decoded image of a batch; <see cref="GeneratedPng"/> turns it into a file.</summary>
/// <param name="Settings">The settings this one image was made with (<see cref="GenerationSettings.ForImage"/>): its own seed.</param>
public sealed record GeneratedImage(GenerationSettings Settings, RgbImage Image)
{
    public long Seed => Settings.Seed;

    /// <summary>Where the image was in its batch (0-based): A1111's "Batch pos".</summary>
    public int BatchPosition { get; init; }
}
