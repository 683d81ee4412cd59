namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Frozen parts taken from other folders instead of the model's own, as A1111's "SD VAE" setting and ComfyUI's VAE and
/// CLIP loaders do: the VAE (vae_decoder/, and vae_encoder/ when present) and the text encoder (text_encoder/ with its
/// tokenizer/). Null takes the model's own.
/// </summary>
public sealed record ComponentChoice(string? VaeDirectory = null, string? TextEncoderDirectory = null)
{
    public static ComponentChoice FromModel { get; } = new();
}
