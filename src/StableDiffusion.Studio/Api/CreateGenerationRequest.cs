namespace StableDiffusion.Studio.Api;

/// <summary>A txt2img request, img2img with <see cref="InitImage"/>, or inpainting with <see cref="Mask"/> too. Anything left out takes the model's recommended value.</summary>
/// <param name="EmphasisMode">How <c>(word:1.2)</c> weights act: "Original" (default), "No norm" or "None" (brackets are plain text).</param>
/// <param name="PadPrompts">Pad the shorter of prompt and negative prompt to the other's number of 77-token chunks (A1111's
/// "Pad prompt/negative prompt"; false by default).</param>
/// <param name="Seed">-1 or absent for a random seed; image i of the job uses seed + i.</param>
/// <param name="BatchSize">Images made together, in one UNet call per step (1 to 8; 1 when absent): faster per image, the same images.</param>
/// <param name="BatchCount">Batches made one after another (1 when absent); the job makes batchSize × batchCount images, at most 16.</param>
/// <param name="VariationSeed">A1111's variation seed ("subseed"); -1 or absent for a random one.</param>
/// <param name="VariationStrength">0 (default, off) to 1: how far the initial noise moves toward the variation seed's.</param>
/// <param name="SeedResizeFromWidth">A1111's "Resize seed from" width: with the height, the noise is made at that size and
/// placed centred, so a seed keeps its composition at another size; 0 (default) is off.</param>
/// <param name="EnableHires">A1111's hires fix: a first pass at width × height, an upscale, then an img2img pass at the larger size.</param>
/// <param name="HiresScale">The upscale factor (default 2), used while hiresResizeWidth and hiresResizeHeight are 0.</param>
/// <param name="HiresUpscaler">"Latent" (default), "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)",
/// "Latent (nearest)", "Latent (nearest-exact)", "None", "Lanczos" or "Nearest".</param>
/// <param name="HiresSteps">Steps of the second pass; 0 (default) takes steps.</param>
/// <param name="HiresDenoisingStrength">In (0, 1], default 0.7: how much the second pass redraws the upscaled image.</param>
/// <param name="HiresResizeWidth">A target width instead of the scale; with a height of another aspect ratio the image is
/// upscaled to cover both and cropped.</param>
/// <param name="Sampler">A scheduler id (<c>dpmpp-2m-karras</c>) or an A1111 name (<c>DPM++ 2M Karras</c>, <c>Euler a</c>).</param>
/// <param name="Model">A model name, A1111 title or hash; absent for your default model.</param>
/// <param name="Vae">A standalone VAE's name (GET /api/v1/components) to decode with instead of the model's own; absent or null for the model's.</param>
/// <param name="TextEncoder">A standalone text encoder's name to encode the prompts with instead of the model's own; absent or null for the model's.</param>
/// <param name="InitImage">PNG, JPEG or WebP as base64 or a data URI; makes this img2img.</param>
/// <param name="DenoisingStrength">img2img only, in (0, 1]; 0.75 when absent.</param>
/// <param name="Mask">Inpainting: PNG, JPEG or WebP over the init image, white (or opaque) where it is repainted; stretched to the
/// init image's size when it differs.</param>
/// <param name="MaskBlur">Blur of the mask's edge in pixels, 0–64; 4 when absent.</param>
/// <param name="MaskedContent">What the masked area starts from: "fill", "original" (default), "latent-noise" or "latent-nothing".</param>
/// <param name="InvertMask">Repaint what the mask leaves out instead.</param>
/// <param name="OnlyMasked">Generate only the region around the mask, at the full size, and paste it back into the init image.</param>
/// <param name="OnlyMaskedPadding">Pixels of context around the mask for <paramref name="OnlyMasked"/>, 0–256; 32 when absent.</param>
/// <param name="NoiseSource">"cpu" (torch's CPU generator) or "nv" (Philox, as torch on NVIDIA GPUs); absent for your
/// A1111 <c>randn_source</c> option, CPU unless you set it.</param>
/// <param name="Speed">"exact" (default) or "fast": step caching, fewer UNet evaluations for a close image.</param>
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
    int? BatchSize = null,
    int? BatchCount = null,
    bool? EnableHires = null,
    double? HiresScale = null,
    string? HiresUpscaler = null,
    int? HiresSteps = null,
    double? HiresDenoisingStrength = null,
    int? HiresResizeWidth = null,
    int? HiresResizeHeight = null,
    string? Model = null,
    string? Vae = null,
    string? TextEncoder = null,
    string? InitImage = null,
    double? DenoisingStrength = null,
    string? Mask = null,
    int? MaskBlur = null,
    string? MaskedContent = null,
    bool? InvertMask = null,
    bool? OnlyMasked = null,
    int? OnlyMaskedPadding = null,
    string? NoiseSource = null,
    string? Speed = null,
    long? VariationSeed = null,
    double? VariationStrength = null,
    int? SeedResizeFromWidth = null,
    int? SeedResizeFromHeight = null);
