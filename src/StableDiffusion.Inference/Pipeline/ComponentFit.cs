using StableDiffusion.Inference.Prompting;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Whether a standalone VAE or text encoder fits a model's UNet, judged from the graphs' declared signatures (read from
/// the files, no session opened) as <see cref="StableDiffusionModel.Load"/> judges a swap: latent channels and VAE
/// factor for a VAE, hidden size and sequence length for a text encoder. Where a graph leaves an axis symbolic (ONNX
/// Runtime would infer it when opening the session), the part's diffusers config.json says it. Cheap enough for a form to offer only the
/// parts that fit and for a submit to refuse a misfit before it is queued.
/// </summary>
public static class ComponentFit
{
    /// <summary>Null when <paramref name="component"/> fits the model in <paramref name="modelDirectory"/>; else the mismatch in words.</summary>
    public static string? Misfit(string modelDirectory, ComponentFolder component)
    {
        var model = ModelFolder.NameOf(modelDirectory);
        var unet = OnnxModelFile.Tensors(modelDirectory, "unet/model.onnx");
        if (component.Kind == ComponentKind.Vae)
        {
            var decoder = OnnxModelFile.Tensors(component.Directory, "vae_decoder/model.onnx");
            var inChannels = Dimension(unet, "sample", 1) ?? Config(modelDirectory, "unet/config.json", "in_channels") ?? 4;
            var latentChannels = inChannels == 9 ? 4 : inChannels;
            if ((Dimension(decoder, "latent_sample", 1) ?? Config(component.Directory, "vae_decoder/config.json", "latent_channels")) is { } channels
                && channels != latentChannels)
            {
                return LatentChannels(component.Name, channels, model, latentChannels);
            }

            var scale = Dimension(decoder, "latent_sample", 3) is { } latentWidth && Dimension(decoder, "sample", 3) is { } imageWidth
                ? imageWidth / latentWidth
                : StableDiffusionModel.ReadVaeScaleFactor(component.Directory) ?? 8;
            var own = StableDiffusionModel.ReadVaeScaleFactor(modelDirectory) ?? 8;
            return scale != own ? VaeFactor(component.Name, scale, model, own) : null;
        }

        var text = OnnxModelFile.Tensors(component.Directory, "text_encoder/model.onnx");
        var hidden = Dimension(text, "last_hidden_state", 2) ?? Config(component.Directory, "text_encoder/config.json", "hidden_size");
        var expected = Dimension(unet, "encoder_hidden_states", 2) ?? Config(modelDirectory, "unet/config.json", "cross_attention_dim");
        if (hidden is { } h && expected is { } e && h != e)
        {
            return HiddenSize(component.Name, h, model, e);
        }

        return Dimension(text, "input_ids", 1) is { } sequence && sequence != PromptChunk.Length ? SequenceLength(component.Name, sequence) : null;
    }

    internal static string LatentChannels(string vae, int channels, string model, int latentChannels) =>
        $"VAE {vae} decodes {channels} latent channels but the UNet of {model} makes {latentChannels}.";

    internal static string VaeFactor(string vae, int factor, string model, int ownFactor) =>
        $"VAE {vae} scales latents by {factor} but the VAE of {model} by {ownFactor}.";

    internal static string HiddenSize(string textEncoder, int hidden, string model, int expected) =>
        $"Text encoder {textEncoder} has hidden size {hidden} but the UNet of {model} takes {expected}.";

    internal static string SequenceLength(string textEncoder, int sequence) =>
        $"Text encoder {textEncoder} takes {sequence} tokens but prompts are encoded {PromptChunk.Length} at a time.";

    private static int? Config(string directory, string file, string key) =>
        ModelFolder.OptionalJson(directory, file)?[key] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static int? Dimension(IReadOnlyDictionary<string, int?[]> tensors, string name, int axis) =>
        tensors.TryGetValue(name, out var dimensions) && dimensions.Length > axis ? dimensions[axis] : null;
}
