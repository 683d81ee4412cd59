namespace StableDiffusion.Studio.Generation;

/// <summary>
/// One setting of <see cref="Inference.Pipeline.GenerationSettings"/>. Validation errors are keyed by it, and each
/// surface names it in its own words from one table: the form's labels, the native API's and A1111's field names.
/// </summary>
public enum Setting
{
    Prompt,
    NegativePrompt,
    EmphasisMode,
    PadPrompts,
    Seed,
    VariationSeed,
    VariationStrength,
    SeedResizeFromWidth,
    SeedResizeFromHeight,
    Steps,
    GuidanceScale,
    Scheduler,
    NoiseSource,
    Speed,
    Width,
    Height,
    BatchSize,
    BatchCount,
    EnableHires,
    HiresScale,
    HiresUpscaler,
    HiresSteps,
    HiresDenoisingStrength,
    HiresResizeWidth,
    HiresResizeHeight,
    Model,
    Vae,
    TextEncoder,
    InitImage,
    Strength,
    Mask,
    MaskBlur,
    InpaintingFill,
    InvertMask,
    InpaintFullRes,
    InpaintFullResPadding,
}
