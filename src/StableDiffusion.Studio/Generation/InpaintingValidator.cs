using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>The inpainting part of <see cref="SettingsValidator"/>: the mask needs an init image, and an inpainting model needs a mask.</summary>
internal static class InpaintingValidator
{
    public static void Validate(GenerationSettings settings, ModelInfo? model, Dictionary<Setting, string> errors)
    {
        if (settings.Mask is not null && settings.InitImage is null)
        {
            errors[Setting.Mask] = "A mask needs an init image to paint over.";
        }
        else if (settings.Mask is null && model is { IsAvailable: true, IsInpainting: true })
        {
            errors[Setting.Mask] = $"Model {model.Name} is an inpainting model: give it an init image and paint a mask.";
        }

        if (settings.MaskBlur is < 0 or > InpaintingChecks.MaxMaskBlur)
        {
            errors[Setting.MaskBlur] = $"Mask blur must be between 0 and {InpaintingChecks.MaxMaskBlur} pixels.";
        }

        if (!Enum.IsDefined(settings.InpaintingFill))
        {
            errors[Setting.InpaintingFill] = "Choose fill, original, latent noise or latent nothing.";
        }

        if (settings.InpaintFullResPadding is < 0 or > InpaintingChecks.MaxPadding)
        {
            errors[Setting.InpaintFullResPadding] = $"Masked area padding must be between 0 and {InpaintingChecks.MaxPadding} pixels.";
        }
    }
}
