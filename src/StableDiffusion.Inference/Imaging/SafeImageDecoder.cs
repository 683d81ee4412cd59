using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// Decodes untrusted uploads: PNG, JPEG or WebP only, size checked from the header before any pixel is decoded.
/// GIF, BMP, TIFF and TGA decoders are left out on purpose: they carry most of ImageSharp 2.x's advisories.
/// </summary>
/// <remarks>
/// Decoding is CPU- and memory-heavy; callers serving many users should let only a few decodes run at once.
/// </remarks>
public static class SafeImageDecoder
{
    public const int MaxSide = 4096;

    // Per buffer, not in total: 4096×4096 RGBA is 64 MB, so honest images pass and a lying header cannot take gigabytes.
    private const int AllocationLimitMegabytes = 128;

    private static readonly Configuration Restricted = new(
        new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule())
    {
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes }),
    };

    /// <summary>The image as RGB, upright per its EXIF orientation; <see cref="InvalidImageException"/> for anything refused.</summary>
    public static Image<Rgb24> Decode(byte[] bytes) => Decode<Rgb24>(bytes);

    /// <summary>The image in <typeparamref name="TPixel"/> (e.g. with alpha, for masks), with the same checks.</summary>
    public static Image<TPixel> Decode<TPixel>(byte[] bytes)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var (width, height, _) = Identify(bytes);

        // Per side, not per area: the two bounds together cap the pixels (4096×4096 RGBA is 64 MB), and a 16×5000 strip
        // is no picture img2img could use.
        if (width > MaxSide || height > MaxSide)
        {
            throw new InvalidImageException(
                $"The image is {width}×{height} pixels; the largest accepted is {MaxSide}×{MaxSide}.");
        }

        try
        {
            var image = Image.Load<TPixel>(Restricted, bytes);

            // As A1111's img2img (ImageOps.exif_transpose): a phone photo is used the way it is shown.
            image.Mutate(context => context.AutoOrient());
            return image;
        }
        catch (Exception exception) when (IsDecodeFailure(exception))
        {
            throw new InvalidImageException("The image is damaged or uses a feature that cannot be read.", exception);
        }
    }

    /// <summary>Width, height and format from the header alone, without decoding pixels.</summary>
    public static (int Width, int Height, string Format) Identify(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new InvalidImageException("The file is empty.");
        }

        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(Restricted, bytes, out format);
        }
        catch (Exception exception) when (IsDecodeFailure(exception))
        {
            throw new InvalidImageException("The file is not a readable PNG, JPEG or WebP image.", exception);
        }

        if (info is null || format is null)
        {
            throw new InvalidImageException("Only PNG, JPEG and WebP images are accepted.");
        }

        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidImageException("The image header declares no pixels.");
        }

        return (info.Width, info.Height, format.Name);
    }

    private static bool IsDecodeFailure(Exception exception) => exception
        is ImageFormatException // includes InvalidImageContentException and UnknownImageFormatException
        or InvalidMemoryOperationException
        or NotSupportedException
        or EndOfStreamException
        or InvalidDataException
        or ArgumentException
        or IndexOutOfRangeException;
}
