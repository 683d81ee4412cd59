using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// A1111's paste-back (modules/processing.py <c>apply_overlay</c>): the init image with alpha 255 − mask laid over the
/// generated picture, so every pixel the mask leaves at 0 comes back exactly as it was, and the blurred edge blends.
/// </summary>
internal sealed class Overlay
{
    private readonly Rgb24[] original;
    private readonly byte[] mask;
    private readonly int width;
    private readonly int height;

    /// <param name="image">The pixels that stay (copied); for "Only masked" the whole init image.</param>
    /// <param name="mask">One level per pixel of <paramref name="image"/>: 0 keeps it, 255 takes the generated pixel.</param>
    /// <param name="pasteTo">Where the generated picture goes, stretched, for "Only masked"; null when it covers the image.</param>
    public Overlay(Image<Rgb24> image, byte[] mask, Rectangle? pasteTo)
    {
        (width, height, this.mask, PasteTo) = (image.Width, image.Height, mask, pasteTo);
        original = new Rgb24[width * height];
        image.CopyPixelDataTo(original);
    }

    public Rectangle? PasteTo { get; }

    public RgbImage Apply(RgbImage generated)
    {
        var below = new Rgb24[original.Length];
        if (PasteTo is { } region)
        {
            // A transparent canvas of the init image's size with the picture stretched back into its region; outside it the
            // mask is 0, so the init image covers it.
            using var picture = generated.ToImage();
            picture.Mutate(context => context.Resize(region.Width, region.Height, KnownResamplers.Lanczos3));
            var pixels = new Rgb24[region.Width * region.Height];
            picture.CopyPixelDataTo(pixels);
            for (var y = 0; y < region.Height; y++)
            {
                pixels.AsSpan(y * region.Width, region.Width).CopyTo(below.AsSpan((region.Top + y) * width + region.Left));
            }
        }
        else if (generated.Width == width && generated.Height == height)
        {
            generated.Pixels.CopyTo(below);
        }
        else
        {
            throw new ArgumentException($"Expected a {width}×{height} picture, got {generated.Width}×{generated.Height}.", nameof(generated));
        }

        var result = new Rgb24[original.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var keep = 255 - mask[i];
            result[i] = new Rgb24(Mix(original[i].R, below[i].R, keep), Mix(original[i].G, below[i].G, keep), Mix(original[i].B, below[i].B, keep));
        }

        return new RgbImage(width, height, result);
    }

    /// <summary>Alpha compositing of an 8-bit layer over an opaque one, rounded: 255 gives the layer exactly.</summary>
    private static byte Mix(byte top, byte bottom, int alpha) => (byte)((top * alpha + bottom * (255 - alpha) + 127) / 255);
}
