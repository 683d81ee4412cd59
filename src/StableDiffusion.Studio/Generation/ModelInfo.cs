using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <param name="UnavailableReason">Why the folder could not be loaded; null when it is available.</param>
/// <param name="TokenLimit">Prompt tokens the text encoder sees (77 minus bos and eos).</param>
public sealed record ModelInfo(
    string Name,
    string? UnavailableReason,
    ModelDefaults Defaults,
    bool SupportsImageToImage,
    string ExecutionProvider,
    string ExecutionProviderReason,
    int TokenLimit = 75)
{
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>A 9-channel inpainting UNet, which runs only with an init image and a mask; known once the model is loaded.</summary>
    public bool IsInpainting { get; init; }
}
