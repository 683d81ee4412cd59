using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Studio.Storage;

/// <summary>
/// Reads an untrusted upload through the library's <see cref="SafeImageDecoder"/> (PNG, JPEG or WebP only; refused
/// from the header before decoding when either side is past 4096; decoding under an allocation limit) and re-encodes it.
/// </summary>
public static class UploadedImageReader
{
    /// <summary>Returns the image, or null with a message for the user.</summary>
    public static UploadedImage? TryRead(byte[] bytes, out string? error)
    {
        error = null;
        try
        {
            using var image = SafeImageDecoder.Decode(bytes);
            var parameters = PngInfo.ReadParameters(bytes);
            return new UploadedImage(PngInfo.Encode(image, []), image.Width, image.Height, parameters);
        }
        catch (InvalidImageException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}
