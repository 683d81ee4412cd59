using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>A standalone VAE or text encoder folder under models/, as seen from one model: whether it fits that model's UNet.</summary>
/// <param name="Misfit">The mismatch (latent channels, VAE factor, hidden size, sequence length) in words; null when it fits.</param>
public sealed record ComponentInfo(string Name, ComponentKind Kind, string? Misfit = null)
{
    public bool Fits => Misfit is null;

    /// <summary>The kind in the words of the form and the messages: "VAE" or "text encoder".</summary>
    public static string KindName(ComponentKind kind) => kind == ComponentKind.Vae ? "VAE" : "text encoder";
}
