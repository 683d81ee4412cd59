namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// The PNG files this project writes: a generated image with its A1111 infotext in the <c>parameters</c> chunk (what the
/// CLI and the studio save), or a live preview with no text. The same pixels and text always give the same bytes.
/// </summary>
public static class GeneratedPng
{
    /// <param name="parameters">The infotext, e.g. <c>Infotext.Write(InfotextMapping.ToInfotext(…))</c>.</param>
    public static byte[] Encode(RgbImage image, string parameters) =>
        PngInfo.Encode(image.Pixels, image.Width, image.Height, [new(PngInfo.ParametersKeyword, parameters)]);

    public static byte[] EncodePreview(RgbImage preview) => PngInfo.Encode(preview.Pixels, preview.Width, preview.Height, []);
}
