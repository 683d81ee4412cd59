using System.Globalization;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// The inpainting keys of an infotext, as A1111's StableDiffusionProcessingImg2Img.init (modules/processing.py) adds them to
/// extra_generation_params, each only when it differs from the default: "Mask mode: Inpaint not masked", "Mask blur: 4",
/// "Inpaint area: Only masked", "Masked area padding: 32", "Masked content: fill" (or latent noise, latent nothing).
/// Reading takes A1111's defaults for missing keys (infotext_utils.py): Inpaint masked, original, Whole picture, 32.
/// </summary>
internal static class InpaintingInfotext
{
    private const string MaskMode = "Mask mode";
    private const string MaskBlur = "Mask blur";
    private const string InpaintArea = "Inpaint area";
    private const string Padding = "Masked area padding";
    private const string MaskedContent = "Masked content";

    private const string NotMasked = "Inpaint not masked";
    private const string OnlyMasked = "Only masked";

    public static void Write(GenerationSettings settings, OrderedDictionary<string, string> extra)
    {
        if (settings.InvertMask)
        {
            extra[MaskMode] = NotMasked;
        }

        if (settings.MaskBlur > 0)
        {
            extra[MaskBlur] = settings.MaskBlur.ToString(CultureInfo.InvariantCulture);
        }

        if (settings.InpaintFullRes)
        {
            extra[InpaintArea] = OnlyMasked;
            extra[Padding] = settings.InpaintFullResPadding.ToString(CultureInfo.InvariantCulture);
        }

        if (settings.InpaintingFill != InpaintingFill.Original)
        {
            extra[MaskedContent] = FillName(settings.InpaintingFill);
        }
    }

    public static void Read(IReadOnlyDictionary<string, string> extra, GenerationSettings settings)
    {
        settings.InvertMask = extra.GetValueOrDefault(MaskMode) == NotMasked;
        if (Integer(extra, MaskBlur) is { } blur)
        {
            settings.MaskBlur = blur;
        }

        settings.InpaintFullRes = extra.GetValueOrDefault(InpaintArea) == OnlyMasked;
        settings.InpaintFullResPadding = Integer(extra, Padding) ?? new GenerationSettings().InpaintFullResPadding;
        settings.InpaintingFill = Enum.GetValues<InpaintingFill>().FirstOrDefault(
            fill => FillName(fill) == extra.GetValueOrDefault(MaskedContent), InpaintingFill.Original);
    }

    /// <summary>A1111's words for each masked content, in its infotext and its UI.</summary>
    public static string FillName(InpaintingFill fill) => fill switch
    {
        InpaintingFill.Fill => "fill",
        InpaintingFill.Original => "original",
        InpaintingFill.LatentNoise => "latent noise",
        InpaintingFill.LatentNothing => "latent nothing",
        _ => throw new ArgumentOutOfRangeException(nameof(fill), fill, "Unknown masked content."),
    };

    // A1111 writes ints; "4.0" from an API float is read too.
    private static int? Integer(IReadOnlyDictionary<string, string> extra, string key) =>
        extra.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (int)value : null;
}
