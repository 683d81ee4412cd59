namespace StableDiffusion.Studio.Api;

/// <summary>A txt2img request, or img2img with <see cref="InitImage"/>. Anything left out takes the model's recommended value.</summary>
/// <param name="EmphasisMode">How <c>(word:1.2)</c> weights act: "Original" (default), "No norm" or "None" (brackets are plain text).</param>
/// <param name="PadPrompts">Pad the shorter of prompt and negative prompt to the other's number of 77-token chunks (A1111's
/// "Pad prompt/negative prompt"; false by default).</param>
/// <param name="Seed">-1 or absent for a random seed; image i of the batch uses seed + i.</param>
/// <param name="VariationSeed">A1111's variation seed ("subseed"); -1 or absent for a random one.</param>
/// <param name="VariationStrength">0 (default, off) to 1: how far the initial noise moves toward the variation seed's.</param>
/// <param name="Sampler">A scheduler id (<c>dpmpp-2m-karras</c>) or an A1111 name (<c>DPM++ 2M Karras</c>, <c>Euler a</c>).</param>
/// <param name="Model">A model name, A1111 title or hash; absent for your default model.</param>
/// <param name="InitImage">PNG, JPEG or WebP as base64 or a data URI; makes this img2img.</param>
/// <param name="DenoisingStrength">img2img only, in (0, 1]; 0.75 when absent.</param>
/// <param name="NoiseSource">"cpu" (torch's CPU generator) or "nv" (Philox, as torch on NVIDIA GPUs); absent for your
/// A1111 <c>randn_source</c> option, CPU unless you set it.</param>
public sealed record CreateGenerationRequest(
    string? Prompt,
    string? NegativePrompt = null,
    string? EmphasisMode = null,
    bool? PadPrompts = null,
    long? Seed = null,
    int? Steps = null,
    double? CfgScale = null,
    string? Sampler = null,
    int? Width = null,
    int? Height = null,
    int? BatchCount = null,
    string? Model = null,
    string? InitImage = null,
    double? DenoisingStrength = null,
    string? NoiseSource = null,
    long? VariationSeed = null,
    double? VariationStrength = null);
