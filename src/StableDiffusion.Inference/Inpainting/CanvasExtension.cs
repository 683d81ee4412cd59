using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// Outpainting: the init image on a larger canvas, and the mask that repaints only the new margins. The margins start as
/// the image's edge pixels stretched outwards, so "fill" and "original" both begin from the colours at the border.
/// </summary>
public static class CanvasExtension
{
    /// <returns>The extended image and its mask (white on the margins), as PNGs of the new size.</returns>
    public static (byte[] Image, byte[] Mask) Extend(byte[] image, int left, int top, int right, int bottom)
    {
        if (left < 0 || top < 0 || right < 0 || bottom < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(left), "Margins cannot be negative.");
        }

        using var source = SafeImageDecoder.Decode(image);
        var (width, height) = (source.Width + left + right, source.Height + top + bottom);
        if (width > SafeImageDecoder.MaxSide || height > SafeImageDecoder.MaxSide)
        {
            throw new ArgumentException($"The canvas would be {width}×{height}; the largest is {SafeImageDecoder.MaxSide}×{SafeImageDecoder.MaxSide}.", nameof(image));
        }

        using var canvas = new Image<Rgb24>(width, height);
        using var mask = new Image<L8>(width, height, new L8(255));
        canvas.ProcessPixelRows(source, (target, original) =>
        {
            for (var y = 0; y < height; y++)
            {
                var row = original.GetRowSpan(Math.Clamp(y - top, 0, original.Height - 1));
                var destination = target.GetRowSpan(y);
                for (var x = 0; x < width; x++)
                {
                    destination[x] = row[Math.Clamp(x - left, 0, row.Length - 1)];
                }
            }
        });
        mask.ProcessPixelRows(rows =>
        {
            for (var y = top; y < top + source.Height; y++)
            {
                rows.GetRowSpan(y).Slice(left, source.Width).Clear();
            }
        });
        return (Encode(canvas), Encode(mask));
    }

    private static byte[] Encode<TPixel>(Image<TPixel> image)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
