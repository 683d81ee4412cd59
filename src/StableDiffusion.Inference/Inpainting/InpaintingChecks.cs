using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>The inpainting settings a model and a request must agree on; each failure is an <see cref="ArgumentException"/>.</summary>
public static class InpaintingChecks
{
    /// <summary>Past this the blur's kernel is wider than any image the studio takes.</summary>
    public const int MaxMaskBlur = 64;

    /// <summary>Past this the padding covers any image the studio takes.</summary>
    public const int MaxPadding = 256;

    public static void Validate(GenerationSettings settings, StableDiffusionModel model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        if (settings.Mask is not null && settings.InitImage is null)
        {
            throw new ArgumentException("A mask needs an init image to paint into.", nameof(settings));
        }
        if (settings.Mask is null && model.IsInpainting)
        {
            throw new ArgumentException($"Model '{model.Name}' is an inpainting model: give it an init image and a mask.", nameof(settings));
        }
        if (settings.MaskBlur is < 0 or > MaxMaskBlur)
        {
            throw new ArgumentException($"Mask blur must be between 0 and {MaxMaskBlur} (got {settings.MaskBlur}).", nameof(settings));
        }
        if (settings.InpaintFullResPadding is < 0 or > MaxPadding)
        {
            throw new ArgumentException($"Masked area padding must be between 0 and {MaxPadding} (got {settings.InpaintFullResPadding}).", nameof(settings));
        }
        if (!Enum.IsDefined(settings.InpaintingFill))
        {
            throw new ArgumentException($"Unknown masked content {(int)settings.InpaintingFill}.", nameof(settings));
        }
    }
}
