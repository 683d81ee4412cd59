using System.Numerics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Convolution;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// "Masked content: fill", as A1111's modules/masking.py <c>fill</c>: the unmasked pixels, blurred ever less and laid
/// over each other, flow into the hole so that it starts from the surrounding colours instead of what was there.
/// </summary>
public static class MaskedContentFill
{
    // masking.fill's (blur radius, times composited) passes, widest first.
    private static readonly (int Sigma, int Repeats)[] Passes = [(256, 1), (64, 1), (16, 2), (4, 4), (2, 2), (0, 1)];

    /// <summary>A filled copy of <paramref name="image"/>; <paramref name="mask"/> (same size) is 255 in the hole.</summary>
    public static Image<Rgb24> Apply(Image<Rgb24> image, ReadOnlySpan<byte> mask)
    {
        var (width, height) = (image.Width, image.Height);
        var source = new Rgb24[width * height];
        image.CopyPixelDataTo(source);
        var known = new Rgba32[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            known[i] = new Rgba32(source[i].R, source[i].G, source[i].B, (byte)(255 - mask[i]));
        }

        using var layer = Image.LoadPixelData<Rgba32>(known, width, height);
        var composite = new Vector4[known.Length];
        var blurred = new Rgba32[known.Length];
        foreach (var (sigma, repeats) in Passes)
        {
            if (sigma == 0)
            {
                layer.CopyPixelDataTo(blurred);
            }
            else
            {
                // ImageSharp blurs colours premultiplied by alpha, as PIL's "RGBa" mode does. Taps past the image only repeat its edge.
                var radius = Math.Min(3 * sigma, Math.Max(width, height));
                using var pass = layer.Clone(context => context.ApplyProcessor(new GaussianBlurProcessor(sigma, radius)));
                pass.CopyPixelDataTo(blurred);
            }

            for (var repeat = 0; repeat < repeats; repeat++)
            {
                for (var i = 0; i < composite.Length; i++)
                {
                    composite[i] = Over(blurred[i].ToVector4(), composite[i]);
                }
            }
        }

        var filled = new Rgb24[source.Length];
        for (var i = 0; i < filled.Length; i++)
        {
            // Image.convert("RGB") drops alpha: colour as composited, black where nothing reached.
            var c = composite[i] * 255f;
            filled[i] = new Rgb24(ToByte(c.X), ToByte(c.Y), ToByte(c.Z));
        }

        return Image.LoadPixelData<Rgb24>(filled, width, height);
    }

    /// <summary>Porter-Duff "over" of straight-alpha colours (PIL's alpha_composite).</summary>
    private static Vector4 Over(Vector4 source, Vector4 destination)
    {
        var alpha = source.W + destination.W * (1 - source.W);
        if (alpha <= 0)
        {
            return Vector4.Zero;
        }

        var colour = (new Vector3(source.X, source.Y, source.Z) * source.W
                      + new Vector3(destination.X, destination.Y, destination.Z) * destination.W * (1 - source.W)) / alpha;
        return new Vector4(colour, alpha);
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value), 0, 255);
}
