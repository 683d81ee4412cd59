using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>The form's name for each setting: its control's label, and where its error message shows.</summary>
public static class SettingLabels
{
    private static readonly Dictionary<Setting, string> Labels = new()
    {
        [Setting.Prompt] = "Prompt",
        [Setting.NegativePrompt] = "Negative prompt",
        [Setting.EmphasisMode] = "Emphasis mode",
        [Setting.PadPrompts] = "Pad prompt/negative prompt",
        [Setting.Seed] = "Seed",
        [Setting.VariationSeed] = "Variation seed",
        [Setting.VariationStrength] = "Variation strength",
        [Setting.SeedResizeFromWidth] = "Resize seed from width",
        [Setting.SeedResizeFromHeight] = "Resize seed from height",
        [Setting.Steps] = "Steps",
        [Setting.GuidanceScale] = "CFG scale",
        [Setting.Scheduler] = "Sampler",
        [Setting.NoiseSource] = "Noise source (seed noise as a CPU or an NVIDIA GPU makes it)",
        [Setting.Speed] = "Speed (Fast skips steps: about twice as fast, a close image)",
        [Setting.Width] = "Width",
        [Setting.Height] = "Height",
        [Setting.BatchSize] = "Batch size",
        [Setting.BatchCount] = "Batch count",
        [Setting.EnableHires] = "Hires. fix",
        [Setting.HiresScale] = "Upscale by",
        [Setting.HiresUpscaler] = "Upscaler",
        [Setting.HiresSteps] = "Hires steps",
        [Setting.HiresDenoisingStrength] = "Hires denoising strength",
        [Setting.HiresResizeWidth] = "Resize width to",
        [Setting.HiresResizeHeight] = "Resize height to",
        [Setting.Model] = "Model",
        [Setting.Vae] = "VAE",
        [Setting.TextEncoder] = "Text encoder",
        [Setting.InitImage] = "Init image",
        [Setting.Strength] = "Denoising strength",
        [Setting.Mask] = "Mask",
        [Setting.MaskBlur] = "Mask blur",
        [Setting.InpaintingFill] = "Masked content",
        [Setting.InvertMask] = "Mask mode",
        [Setting.InpaintFullRes] = "Inpaint area",
        [Setting.InpaintFullResPadding] = "Only masked padding, pixels",
    };

    public static IReadOnlyDictionary<Setting, string> All => Labels;

    public static string Of(Setting setting) => Labels[setting];

    /// <summary>A1111's words for each masked content, as its UI offers them.</summary>
    public static string FillName(InpaintingFill fill) => MaskedContents.NameOf(fill).Replace('-', ' ');
}
