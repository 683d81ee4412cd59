namespace StableDiffusion.Inference.Scheduling;

/// <summary>The forward process q(x_t | x₀) of the ᾱ-parameterised schedulers (diffusers' <c>add_noise</c>).</summary>
internal static class AlphaNoising
{
    /// <summary>destination = √ᾱ·x₀ + √(1 − ᾱ)·ε.</summary>
    public static void AddNoise(double alphaProd, ReadOnlySpan<double> original, ReadOnlySpan<float> noise, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(noise.Length, original.Length);
        var sqrtAlpha = Math.Sqrt(alphaProd);
        var sqrtBeta = Math.Sqrt(1 - alphaProd);
        for (var i = 0; i < original.Length; i++)
        {
            destination[i] = sqrtAlpha * original[i] + sqrtBeta * noise[i];
        }
    }

    /// <summary>destination = x₀ + σ·ε (the σ-parameterised schedulers).</summary>
    public static void AddSigmaNoise(double sigma, ReadOnlySpan<double> original, ReadOnlySpan<float> noise, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(noise.Length, original.Length);
        for (var i = 0; i < original.Length; i++)
        {
            destination[i] = original[i] + sigma * noise[i];
        }
    }
}
