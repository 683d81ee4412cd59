namespace StableDiffusion.Inference.Pipeline;

/// <summary>What a model folder offers, as <see cref="ModelFolder.Describe"/> reads it without opening an ONNX session.</summary>
/// <param name="Name">The folder's name, which is how users and the A1111 API name the model.</param>
/// <param name="Directory">The folder's full path.</param>
/// <param name="Defaults">The settings its defaults.json recommends, else Stable Diffusion 1.5's.</param>
/// <param name="SupportsImageToImage">Whether it has a VAE encoder (vae_encoder/model.onnx), which img2img needs.</param>
public sealed record ModelDescription(string Name, string Directory, ModelDefaults Defaults, bool SupportsImageToImage)
{
    /// <summary>What the model draws and example prompts, from its defaults.json; <see cref="ModelCard.None"/> when it says nothing.</summary>
    public ModelCard Card { get; init; } = ModelCard.None;
}
