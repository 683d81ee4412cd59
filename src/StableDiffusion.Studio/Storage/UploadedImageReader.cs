using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace StableDiffusion.Studio.Storage;

/// <summary>
/// Reads an untrusted upload: PNG, JPEG or WebP only, header dimensions refused past 4096×4096 before any pixel is
/// decoded, and decoding under an allocation limit (a 1.5 MB PNG of 20000² otherwise costs 1.6 GB).
/// </summary>
public static class UploadedImageReader
{
    public const int MaxDimension = 4096;

    private static readonly Configuration Decoders = new(new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule())
    {
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 256 }),
    };

    /// <summary>Returns the image, or null with a message for the user.</summary>
    public static UploadedImage? TryRead(byte[] bytes, out string? error)
    {
        error = null;
        try
        {
            var info = Image.Identify(Decoders, new MemoryStream(bytes, writable: false));
            if (info is null)
            {
                error = "Only PNG, JPEG or WebP images can be used.";
                return null;
            }

            if (info.Width > MaxDimension || info.Height > MaxDimension)
            {
                error = $"The image is {info.Width}×{info.Height}; the limit is {MaxDimension}×{MaxDimension}.";
                return null;
            }

            using var image = Image.Load<Rgb24>(Decoders, new MemoryStream(bytes, writable: false));
            var parameters = image.Metadata.GetPngMetadata().TextData.FirstOrDefault(t => t.Keyword == "parameters").Value;
            using var png = new MemoryStream();
            image.SaveAsPng(png);
            return new UploadedImage(png.ToArray(), image.Width, image.Height, parameters);
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException or ImageFormatException
                                       or InvalidMemoryOperationException or NotSupportedException)
        {
            error = "The image could not be read: " + ex.Message;
            return null;
        }
    }
}
