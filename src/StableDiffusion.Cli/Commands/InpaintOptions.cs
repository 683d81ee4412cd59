using System.CommandLine;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Cli.Commands;

/// <summary><c>sd generate</c>'s inpainting options: a mask over the init image and how it is used.</summary>
internal sealed class InpaintOptions
{
    private static readonly Dictionary<string, InpaintingFill> Fills = new()
    {
        ["fill"] = InpaintingFill.Fill, ["original"] = InpaintingFill.Original,
        ["latent-noise"] = InpaintingFill.LatentNoise, ["latent-nothing"] = InpaintingFill.LatentNothing,
    };

    public Option<FileInfo?> Mask { get; } = new("--mask") { Description = "Mask image over --init: white (or opaque) is repainted" };

    public Option<int> MaskBlur { get; } = new("--mask-blur") { Description = "Blur of the mask's edge in pixels", DefaultValueFactory = _ => 4 };

    public Option<string> MaskedContent { get; } = new("--masked-content")
    {
        Description = "What the masked area starts from: fill, original, latent-noise, latent-nothing", DefaultValueFactory = _ => "original",
    };

    public Option<bool> InvertMask { get; } = new("--invert-mask") { Description = "Repaint what the mask leaves out" };

    public Option<bool> OnlyMasked { get; } = new("--only-masked") { Description = "Generate only the region around the mask, at full size, and paste it back" };

    public Option<int> Padding { get; } = new("--only-masked-padding") { Description = "Pixels of context around the mask for --only-masked", DefaultValueFactory = _ => 32 };

    public InpaintOptions() => MaskedContent.AcceptOnlyFromAmong([.. Fills.Keys]);

    public IEnumerable<Option> All => [Mask, MaskBlur, MaskedContent, InvertMask, OnlyMasked, Padding];

    public GenerationSettings Apply(ParseResult parsed, GenerationSettings settings)
    {
        var mask = parsed.GetValue(Mask);
        return settings with
        {
            Mask = mask is null ? null : File.ReadAllBytes(mask.FullName),
            MaskBlur = parsed.GetValue(MaskBlur),
            InpaintingFill = Fills[parsed.GetValue(MaskedContent)!],
            InvertMask = parsed.GetValue(InvertMask),
            InpaintFullRes = parsed.GetValue(OnlyMasked),
            InpaintFullResPadding = parsed.GetValue(Padding),
        };
    }
}
