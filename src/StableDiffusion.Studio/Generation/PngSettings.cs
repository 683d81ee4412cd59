using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The settings in a PNG's "parameters" text, read as A1111's "PNG Info → Send to txt2img" reads them (the library's
/// <see cref="InfotextMapping"/>), so that a dropped image fills the form the way it was made.
/// </summary>
public static class PngSettings
{
    /// <summary>The image's settings, or null when it carries none (or is not a PNG).</summary>
    public static GenerationSettings? Read(byte[] png)
    {
        var text = PngInfo.ReadParameters(png);
        return text is not null && Infotext.TryParse(text, out var info) ? InfotextMapping.FromInfotext(info) : null;
    }
}
