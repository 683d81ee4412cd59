using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <param name="UnavailableReason">Why the folder could not be loaded; null when it is available.</param>
/// <param name="TokenLimit">
/// Prompt tokens the UNet can take when its export fixed its text context at one 77-token chunk (75); null when long
/// prompts run in as many chunks as they need, or while the model is not loaded.
/// </param>
public sealed record ModelInfo(
    string Name,
    string? UnavailableReason,
    ModelDefaults Defaults,
    bool SupportsImageToImage,
    string ExecutionProvider,
    string ExecutionProviderReason,
    int? TokenLimit = null)
{
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>A 9-channel inpainting UNet, which runs only with an init image and a mask; known once the model is loaded.</summary>
    public bool IsInpainting { get; init; }

    /// <summary>What the model draws and prompts that show it (its defaults.json), for the Create page and the model listing.</summary>
    public ModelCard Card { get; init; } = ModelCard.None;

    /// <summary>Every standalone VAE and text encoder under models/, each with whether it fits this model.</summary>
    public IReadOnlyList<ComponentInfo> Components { get; init; } = [];
}
