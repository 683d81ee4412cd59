using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Convolution;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// The mask as A1111's StableDiffusionProcessingImg2Img.init prepares it: one grey level per pixel, 255 where the image
/// is repainted, read, inverted and blurred in that order.
/// </summary>
public static class InpaintMask
{
    /// <summary>
    /// The uploaded mask at the init image's size. As A1111's <c>create_binary_mask</c>: a mask with transparency is its
    /// alpha channel cut at 128 (what a brush on a transparent layer paints), any other its luminance (PIL's "L").
    /// A mask of another size than the image is stretched to it, as A1111 stretches both to the generation size.
    /// </summary>
    public static Image<L8> Read(byte[] bytes, int width, int height)
    {
        using var decoded = SafeImageDecoder.Decode<Rgba32>(bytes);
        var pixels = new Rgba32[decoded.Width * decoded.Height];
        decoded.CopyPixelDataTo(pixels);
        var hasAlpha = pixels.Any(p => p.A != 255);
        var grey = pixels.Select(p => hasAlpha ? new L8(p.A > 128 ? (byte)255 : (byte)0) : new L8(Luminance(p))).ToArray();
        var mask = Image.LoadPixelData<L8>(grey, decoded.Width, decoded.Height);
        if (mask.Width != width || mask.Height != height)
        {
            mask.Mutate(context => context.Resize(width, height, KnownResamplers.Lanczos3));
        }

        return mask;
    }

    /// <summary>
    /// The mask as a grey PNG of its own size, read as <see cref="Read"/> reads it: what is stored of an upload, so a
    /// transparency mask keeps its meaning once re-encoded. <see cref="InvalidImageException"/> for anything refused.
    /// </summary>
    public static byte[] ToGreyPng(byte[] bytes)
    {
        var (width, height, _) = SafeImageDecoder.Identify(bytes);
        using var mask = Read(bytes, width, height);
        using var stream = new MemoryStream();
        mask.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A1111's "Inpaint not masked" (<c>ImageOps.invert</c>).</summary>
    public static void Invert(Image<L8> mask) => mask.Mutate(context => context.Invert());

    /// <summary>
    /// A Gaussian blur of standard deviation <paramref name="sigma"/> pixels over the kernel OpenCV's GaussianBlur gets
    /// from A1111 (2·⌊2.5σ + 0.5⌋ + 1 taps), so the soft edge reaches as far as A1111's.
    /// </summary>
    public static void Blur(Image<L8> mask, int sigma)
    {
        if (sigma > 0)
        {
            var radius = (int)(2.5 * sigma + 0.5);
            mask.Mutate(context => context.ApplyProcessor(new GaussianBlurProcessor(sigma, radius)));
        }
    }

    /// <summary>The grey levels, row by row.</summary>
    public static byte[] Levels(Image<L8> mask)
    {
        var pixels = new L8[mask.Width * mask.Height];
        mask.CopyPixelDataTo(pixels);
        return [.. pixels.Select(p => p.PackedValue)];
    }

    /// <summary>PIL's RGB → L: ITU-R 601-2 luma, L = R·299/1000 + G·587/1000 + B·114/1000, in its fixed-point rounding.</summary>
    private static byte Luminance(Rgba32 p) => (byte)((p.R * 19595 + p.G * 38470 + p.B * 7471 + 0x8000) >> 16);
}
