using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// Everything a person chooses for one generation: the project's one settings type. The studio's form, both APIs, the
/// queue record, the PNG infotext and the pipeline are each mapped to and from it in one place, so a new setting is a
/// new property here plus one line in each of those mappings. Mutable so a form can bind to it; copy it with
/// <c>with { }</c> before handing it on.
/// </summary>
public sealed record GenerationSettings
{
    public string Prompt { get; set; } = "";

    public string NegativePrompt { get; set; } = "";

    /// <summary>How <c>(word:1.2)</c> weights act on the text encoder's output (A1111's "Emphasis mode").</summary>
    public EmphasisMode EmphasisMode { get; set; } = EmphasisMode.Original;

    /// <summary>
    /// When the prompt and negative prompt need different numbers of 77-token chunks, pad the shorter with encoded empty
    /// prompts and run both in one UNet batch (A1111's "Pad prompt/negative prompt"; changes the image) instead of two calls.
    /// </summary>
    public bool PadPrompts { get; set; }

    /// <summary>-1 picks a random seed; image i of the job uses <c>Seed + i</c> (A1111's convention).</summary>
    public long Seed { get; set; } = -1;

    public int Steps { get; set; } = ModelDefaults.StableDiffusion15.Steps;

    /// <summary>Classifier-free guidance scale (A1111's "CFG scale"); 1 or less runs the UNet on the prompt alone.</summary>
    public double GuidanceScale { get; set; } = ModelDefaults.StableDiffusion15.GuidanceScale;

    /// <summary>A scheduler id from <see cref="Scheduling.SamplerCatalog"/>, e.g. <c>dpmpp-2m-karras</c>.</summary>
    public string Scheduler { get; set; } = ModelDefaults.StableDiffusion15.Scheduler;

    public NoiseSource NoiseSource { get; set; } = NoiseSource.Torch;

    /// <summary>Exact, or Fast: step caching, a close image with fewer UNet evaluations (<see cref="StepCaching.StepCacheOptions"/>).</summary>
    public Speed Speed { get; set; } = Speed.Exact;

    public int Width { get; set; } = ModelDefaults.StableDiffusion15.Width;

    public int Height { get; set; } = ModelDefaults.StableDiffusion15.Height;

    /// <summary>
    /// A1111's batch size: images made together, their latents stacked into one UNet call per step. Batched images are
    /// the images made one at a time (each keeps its own seed and noise generator); only the speed changes.
    /// </summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>A1111's batch count (<c>n_iter</c>): batches made one after another.</summary>
    public int BatchCount { get; set; } = 1;

    /// <summary>Images in the whole job: <see cref="BatchSize"/> × <see cref="BatchCount"/>.</summary>
    public int ImageCount => BatchSize * BatchCount;

    /// <summary>
    /// A1111's hires fix (<c>enable_hr</c>): a first pass at <see cref="Width"/> × <see cref="Height"/>, an upscale by
    /// <see cref="HiresUpscaler"/>, then an img2img pass at the larger size (<see cref="Hires.HiresFix"/>).
    /// </summary>
    public bool EnableHires { get; set; }

    /// <summary>A1111's <c>hr_scale</c>: the upscale factor, used while <see cref="HiresResizeWidth"/> and <see cref="HiresResizeHeight"/> are 0.</summary>
    public double HiresScale { get; set; } = 2;

    /// <summary>A1111's <c>hr_upscaler</c>: a name from <see cref="Hires.HiresUpscalers"/>, e.g. "Latent" or "Lanczos".</summary>
    public string HiresUpscaler { get; set; } = Hires.HiresUpscalers.Default;

    /// <summary>A1111's <c>hr_second_pass_steps</c>: steps of the second pass; 0 takes <see cref="Steps"/>.</summary>
    public int HiresSteps { get; set; }

    /// <summary>A1111's <c>denoising_strength</c> of txt2img, in (0, 1]: how much the second pass redraws the upscaled image.</summary>
    public double HiresDenoisingStrength { get; set; } = 0.7;

    /// <summary>A1111's <c>hr_resize_x</c>: a target width instead of <see cref="HiresScale"/>; 0 follows the height.</summary>
    public int HiresResizeWidth { get; set; }

    /// <summary>A1111's <c>hr_resize_y</c>: a target height instead of <see cref="HiresScale"/>; 0 follows the width.</summary>
    public int HiresResizeHeight { get; set; }

    /// <summary>Denoising steps of one image: the first pass's, and the second pass's with hires fix (progress counts both).</summary>
    public int TotalSteps => Steps + (EnableHires ? HiresSteps > 0 ? HiresSteps : Steps : 0);

    /// <summary>
    /// A1111's variation seed ("subseed"): its noise is blended into the seed's by <see cref="VariationStrength"/>.
    /// -1 picks a random one.
    /// </summary>
    public long VariationSeed { get; set; } = -1;

    /// <summary>0 (off) to 1 (the variation seed's noise alone): how far the initial noise moves toward the variation seed's.</summary>
    public double VariationStrength { get; set; }

    /// <summary>
    /// A1111's "Resize seed from" width (<c>seed_resize_from_w</c>): with <see cref="SeedResizeFromHeight"/>, the noise is
    /// made at that size and placed centred, so a seed keeps its composition at another size. 0 is off.
    /// </summary>
    public int SeedResizeFromWidth { get; set; }

    /// <summary>A1111's <c>seed_resize_from_h</c>; 0 is off.</summary>
    public int SeedResizeFromHeight { get; set; }

    /// <summary>The model's name (its folder's name). The pipeline runs the model it was made with and ignores this.</summary>
    public string Model { get; set; } = "";

    /// <summary>
    /// A standalone VAE folder's name to decode (and encode) with instead of the model's own (A1111's "SD VAE"); null
    /// takes the model's. Like <see cref="Model"/>, the pipeline runs the parts it was loaded with and ignores this.
    /// </summary>
    public string? Vae { get; set; }

    /// <summary>A standalone text encoder folder's name (text_encoder/ + tokenizer/) instead of the model's own; null takes the model's.</summary>
    public string? TextEncoder { get; set; }

    /// <summary>Encoded PNG/JPEG/WebP bytes for img2img; null for txt2img.</summary>
    public byte[]? InitImage { get; set; }

    /// <summary>img2img denoising strength in (0, 1].</summary>
    public double Strength { get; set; } = 0.75;

    /// <summary>
    /// Encoded PNG/JPEG/WebP marking where the init image is repainted (white, or opaque where it has transparency);
    /// null for plain img2img. Stretched to the init image's size when it differs, as A1111 does.
    /// </summary>
    public byte[]? Mask { get; set; }

    /// <summary>Gaussian blur of the mask's edge, in pixels (A1111's "Mask blur"); 0 for a hard edge.</summary>
    public int MaskBlur { get; set; } = 4;

    /// <summary>What the masked area starts from (A1111's "Masked content").</summary>
    public InpaintingFill InpaintingFill { get; set; } = InpaintingFill.Original;

    /// <summary>Repaint what the mask leaves out instead (A1111's "Mask mode: Inpaint not masked").</summary>
    public bool InvertMask { get; set; }

    /// <summary>
    /// "Inpaint area: Only masked": generate the region around the mask at the full size and paste it back into the init
    /// image, which keeps its own size; false repaints within the whole picture.
    /// </summary>
    public bool InpaintFullRes { get; set; }

    /// <summary>Pixels of context around the mask for <see cref="InpaintFullRes"/> (A1111's "Masked area padding").</summary>
    public int InpaintFullResPadding { get; set; } = 32;

    /// <summary>
    /// The settings of image <paramref name="index"/> of the job (counted over every batch), as A1111 sequences seeds
    /// (processing.py process_images_inner: all_seeds, sliced batch_size at a time): image i uses seed + i, or, with a
    /// variation strength, the same seed and variation seed + i (the same composition, varied). The batch size stays:
    /// it is part of how the image was made. The seeds must already be resolved (not -1).
    /// </summary>
    public GenerationSettings ForImage(int index) => VariationStrength == 0
        ? this with { Seed = Seed + index, BatchCount = 1 }
        : this with { VariationSeed = VariationSeed + index, BatchCount = 1 };

    /// <summary>A new prompt's settings for <paramref name="model"/>: its recommended steps, guidance, scheduler and size.</summary>
    public static GenerationSettings ForModel(string model, ModelDefaults defaults) => new GenerationSettings().UseModel(model, defaults);

    /// <summary>Switches to <paramref name="model"/> and takes its recommended settings; the prompt and seed stay.</summary>
    public GenerationSettings UseModel(string model, ModelDefaults defaults)
    {
        Model = model;
        (Steps, GuidanceScale, Scheduler) = (defaults.Steps, defaults.GuidanceScale, defaults.Scheduler);
        (Width, Height) = (defaults.Width, defaults.Height);
        return this;
    }
}
