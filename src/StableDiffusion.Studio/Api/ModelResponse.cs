namespace StableDiffusion.Studio.Api;

/// <param name="Title">A1111's "name [hash10]".</param>
/// <param name="UnavailableReason">Why the model could not be loaded; null when it is available.</param>
/// <param name="Description">What the model draws, in one line (its defaults.json); null when it does not say.</param>
/// <param name="Examples">Prompts that show what it draws; empty when it has none.</param>
public sealed record ModelResponse(
    string Name,
    string Title,
    string? Hash,
    bool Available,
    string? UnavailableReason,
    bool SupportsImageToImage,
    int DefaultSteps,
    double DefaultCfgScale,
    string DefaultSampler,
    int DefaultWidth,
    int DefaultHeight,
    string? Description,
    IReadOnlyList<string> Examples);
