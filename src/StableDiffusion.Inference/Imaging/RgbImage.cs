using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace StableDiffusion.Inference.Imaging;

/// <summary>
/// A picture as 8-bit RGB pixels, row by row: what the pipeline hands out for finished images and live previews.
/// It holds a plain array, so nothing needs disposing and it can be kept or passed between threads;
/// <see cref="ToImage"/> makes an ImageSharp copy, which the caller disposes.
/// </summary>
public sealed class RgbImage
{
    private readonly Rgb24[] pixels;

    /// <param name="pixels">Row-major, <paramref name="width"/> × <paramref name="height"/>; the image keeps this array, so do not change it afterwards.</param>
    public RgbImage(int width, int height, Rgb24[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height))
        {
            throw new ArgumentException($"Expected {width}×{height} pixels, got {pixels.Length}.", nameof(pixels));
        }
        (Width, Height, this.pixels) = (width, height, pixels);
    }

    public int Width { get; }

    public int Height { get; }

    public ReadOnlySpan<Rgb24> Pixels => pixels;

    public Rgb24 this[int x, int y] => pixels[y * Width + x];

    public Image<Rgb24> ToImage() => Image.LoadPixelData<Rgb24>(pixels, Width, Height);
}
