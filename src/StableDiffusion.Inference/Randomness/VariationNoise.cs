namespace StableDiffusion.Inference.Randomness;

/// <summary>
/// A1111's variation seed (modules/rng.py, <c>ImageRNG.first</c> and <c>slerp</c>): the seed's initial noise is blended
/// toward the variation seed's by spherical interpolation, so a small strength keeps the composition and varies the
/// details. A1111 interpolates the per-image noise of shape [C, H, W] along dim 1: every (channel, column) vector over
/// the latent height separately,
///   x = sin((1−s)·Ω)/sin Ω · a + sin(s·Ω)/sin Ω · b,  Ω = acos(â·b̂),
/// and, when those vectors are nearly parallel on average (mean cos Ω &gt; 0.9995), its plain lerp a·s + b·(1−s), with
/// the weights in that order.
/// </summary>
public static class VariationNoise
{
    /// <summary>Blends <paramref name="noise"/> (the seed's, [C, H, W]) toward <paramref name="variation"/> in place.</summary>
    public static void Slerp(double strength, Span<float> noise, ReadOnlySpan<float> variation, int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(noise.Length, channels * height * width, nameof(noise));
        ArgumentOutOfRangeException.ThrowIfNotEqual(variation.Length, noise.Length, nameof(variation));
        var cosines = new double[channels * width];
        for (var c = 0; c < channels; c++)
        {
            for (var w = 0; w < width; w++)
            {
                double dot = 0, aa = 0, bb = 0;
                for (var h = 0; h < height; h++)
                {
                    var i = (c * height + h) * width + w;
                    dot += (double)noise[i] * variation[i];
                    aa += (double)noise[i] * noise[i];
                    bb += (double)variation[i] * variation[i];
                }

                cosines[c * width + w] = dot / (Math.Sqrt(aa) * Math.Sqrt(bb));
            }
        }

        if (cosines.Average() > 0.9995)
        {
            for (var i = 0; i < noise.Length; i++)
            {
                noise[i] = (float)(noise[i] * strength + variation[i] * (1 - strength));
            }

            return;
        }

        for (var c = 0; c < channels; c++)
        {
            for (var w = 0; w < width; w++)
            {
                var omega = Math.Acos(Math.Clamp(cosines[c * width + w], -1, 1));
                var so = Math.Sin(omega);
                var (a, b) = (Math.Sin((1 - strength) * omega) / so, Math.Sin(strength * omega) / so);
                for (var h = 0; h < height; h++)
                {
                    var i = (c * height + h) * width + w;
                    noise[i] = (float)(a * noise[i] + b * variation[i]);
                }
            }
        }
    }
}
