using StableDiffusion.Inference.Components;

namespace StableDiffusion.Inference.Randomness;

/// <summary>
/// An image's initial noise as A1111 makes it (modules/rng.py, <c>ImageRNG.first</c>): the first draw of the image's
/// own generator, blended toward the variation seed's (<see cref="VariationNoise"/>), and with "Seed resize from" made
/// at the "from" size and placed centred into the image's latent, so a seed keeps its composition at a new size.
/// </summary>
public static class ImageNoise
{
    /// <summary>
    /// The noise of shape <paramref name="shape"/>. <paramref name="generator"/> is the image's own (fresh, seeded with
    /// <paramref name="seed"/>): it always makes one draw of the full shape, as A1111's does, and goes on for the steps.
    /// </summary>
    /// <param name="resizeFrom">The latent shape of "Seed resize from", or null when it is off.</param>
    public static float[] First(INoiseGenerator generator, LatentShape shape, NoiseSource source, long seed,
        long variationSeed, double variationStrength, LatentShape? resizeFrom = null)
    {
        var noise = new float[shape.Length];
        generator.Fill(noise);
        var from = resizeFrom is { } resized && resized != shape ? resized : shape;
        if (from == shape && variationStrength == 0)
        {
            return noise;
        }

        // A1111 draws the resized noise from a fresh generator of the seed (randn(seed, noise_shape)), and the variation
        // seed's noise at that same size, so the blend happens before the placing.
        var seedNoise = from == shape ? noise : new float[from.Length];
        if (from != shape)
        {
            NoiseGenerators.Create(source, seed).Fill(seedNoise);
        }

        if (variationStrength != 0)
        {
            var variation = new float[from.Length];
            NoiseGenerators.Create(source, variationSeed).Fill(variation);
            VariationNoise.Slerp(variationStrength, seedNoise, variation, from.Channels, from.Height, from.Width);
        }

        if (from != shape)
        {
            PlaceCentred(seedNoise, from, noise, shape);
        }

        return noise;
    }

    /// <summary>
    /// Copies <paramref name="from"/> into the middle of <paramref name="target"/>, as ImageRNG.first does: a smaller
    /// source is padded by what the target already holds, a larger one cropped, each axis on its own, the offset being
    /// half the difference rounded down (Python's <c>//</c>).
    /// </summary>
    public static void PlaceCentred(ReadOnlySpan<float> from, LatentShape fromShape, Span<float> target, LatentShape shape)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(from.Length, fromShape.Length, nameof(from));
        ArgumentOutOfRangeException.ThrowIfNotEqual(target.Length, shape.Length, nameof(target));
        ArgumentOutOfRangeException.ThrowIfNotEqual(fromShape.Channels, shape.Channels, nameof(fromShape));
        var (ty, dy, h) = Offsets(shape.Height, fromShape.Height);
        var (tx, dx, w) = Offsets(shape.Width, fromShape.Width);
        for (var c = 0; c < shape.Channels; c++)
        {
            for (var y = 0; y < h; y++)
            {
                var source = from.Slice((c * fromShape.Height + dy + y) * fromShape.Width + dx, w);
                source.CopyTo(target.Slice((c * shape.Height + ty + y) * shape.Width + tx, w));
            }
        }
    }

    /// <summary>ImageRNG.first's dx/tx/w for one axis: where the copy lands, where it is read from, and how long it is.</summary>
    private static (int Target, int Source, int Length) Offsets(int size, int fromSize)
    {
        var d = FloorDiv(size - fromSize, 2);
        return d >= 0 ? (d, 0, fromSize) : (0, -d, fromSize + 2 * d);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor(a / (double)b);
}
