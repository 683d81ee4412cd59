namespace StableDiffusion.Studio.Api;

/// <param name="Title">A1111's "name [hash10]".</param>
/// <param name="UnavailableReason">Why the model could not be loaded; null when it is available.</param>
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
    int DefaultHeight);
