using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace StableDiffusion.Inference.Imaging;

/// <summary>PNG files carrying A1111's generation text, as modules/images.py <c>save_image_with_geninfo</c> writes them.</summary>
public static class PngInfo
{
    /// <summary>The text keyword A1111, ComfyUI's importer and Fooocus read the infotext from.</summary>
    public const string ParametersKeyword = "parameters";

    // Never zTXt: PIL's PngInfo.add_text writes tEXt, and so do we however long the prompt; the encoder switches to
    // uncompressed iTXt by itself when the text is not Latin-1, as PIL does.
    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Rgb,
        BitDepth = PngBitDepth.Bit8,
        TextCompressionThreshold = int.MaxValue,
    };

    /// <summary>PNG bytes with a <c>parameters</c> text chunk; the same pixels and text always give the same bytes.</summary>
    public static byte[] Encode(Image<Rgb24> image, string parameters) =>
        Encode(image, [new KeyValuePair<string, string>(ParametersKeyword, parameters)]);

    /// <summary>PNG bytes with one text chunk per entry, in order; nothing else from the image's metadata is kept.</summary>
    public static byte[] Encode(Image<Rgb24> image, IReadOnlyList<KeyValuePair<string, string>> text)
    {
        // Re-create the image from its pixels so that metadata of a decoded upload (EXIF, ICC, old text) never leaks out.
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return Encode(pixels, image.Width, image.Height, text);
    }

    /// <summary>PNG bytes of bare pixels with one text chunk per entry, in order.</summary>
    internal static byte[] Encode(ReadOnlySpan<Rgb24> pixels, int width, int height, IReadOnlyList<KeyValuePair<string, string>> text)
    {
        using var clean = Image.LoadPixelData<Rgb24>(pixels, width, height);

        var png = clean.Metadata.GetPngMetadata();
        foreach (var (keyword, value) in text)
        {
            png.TextData.Add(new PngTextData(keyword, value, string.Empty, string.Empty));
        }

        using var stream = new MemoryStream();
        clean.Save(stream, Encoder);
        return stream.ToArray();
    }

    /// <summary>The <c>parameters</c> text of a PNG (from tEXt, zTXt or iTXt), or null when it has none.</summary>
    public static string? ReadParameters(ReadOnlySpan<byte> png) => ReadText(png, ParametersKeyword);

    /// <summary>The first text chunk with this keyword, or null when there is none or the bytes are not a PNG.</summary>
    public static string? ReadText(ReadOnlySpan<byte> png, string keyword) => PngTextChunks.Find(png, keyword);
}
