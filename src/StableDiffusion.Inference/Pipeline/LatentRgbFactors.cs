using System.Text.Json.Nodes;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// A linear map from one latent pixel to RGB, for cheap per-step previews: A1111's "Approx cheap" live preview
/// (modules/sd_vae_approx.py cheap_approximation), rgb = Σc latent[c]·Factors[c] + Bias, on the latent as the
/// denoising loop holds it (scaled). Read from the model's latent_rgb_factors.json:
/// {"factors": [[r,g,b] per latent channel], "bias": [r,g,b]}, a least-squares fit to the VAE's RGB in [0, 1]
/// (training/train.py latent_rgb_factors).
/// </summary>
internal sealed record LatentRgbFactors(float[][] Factors, float[] Bias)
{
    public static LatentRgbFactors? Read(string directory, int latentChannels)
    {
        const string file = "latent_rgb_factors.json";
        var json = ModelFolder.OptionalJson(directory, file);
        if (json is null)
        {
            return null;
        }
        try
        {
            var factors = json["factors"]!.AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<float>()).ToArray()).ToArray();
            var bias = json["bias"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? [0f, 0f, 0f];
            // Accept the transposed layout (3 rows of one factor per channel) as well.
            if (factors.Length == 3 && factors.All(r => r.Length == latentChannels) && latentChannels != 3)
            {
                factors = [.. Enumerable.Range(0, latentChannels).Select(c => new[] { factors[0][c], factors[1][c], factors[2][c] })];
            }
            if (factors.Length != latentChannels || factors.Any(r => r.Length != 3) || bias.Length != 3)
            {
                throw new FormatException($"expected {latentChannels}×3 factors and 3 bias values");
            }
            return new LatentRgbFactors(factors, bias);
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new ModelLoadException($"{file} is malformed: {error.Message}", error);
        }
    }

    /// <summary>RGB planes [3, h, w] of a [channels, h, w] latent, mapped from [0, 1] to the VAE decoder's [-1, 1].</summary>
    public float[] ToRgb(ReadOnlySpan<double> latent, int height, int width)
    {
        var pixels = height * width;
        var rgb = new float[pixels * 3];
        for (var p = 0; p < pixels; p++)
        {
            for (var k = 0; k < 3; k++)
            {
                double value = Bias[k];
                for (var c = 0; c < Factors.Length; c++)
                {
                    value += latent[c * pixels + p] * Factors[c][k];
                }
                rgb[k * pixels + p] = (float)(value * 2 - 1);
            }
        }
        return rgb;
    }
}
