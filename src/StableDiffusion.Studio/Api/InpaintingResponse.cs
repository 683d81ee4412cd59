using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>An inpainting job's mask settings as the native API shows them, in its request words.</summary>
/// <param name="MaskedContent">"fill", "original", "latent-noise" or "latent-nothing".</param>
public sealed record InpaintingResponse(int MaskBlur, string MaskedContent, bool InvertMask, bool OnlyMasked, int OnlyMaskedPadding)
{
    public static InpaintingResponse From(GenerationSettings s) =>
        new(s.MaskBlur, MaskedContents.NameOf(s.InpaintingFill), s.InvertMask, s.InpaintFullRes, s.InpaintFullResPadding);
}
