using System.Text.Json;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Randomness;

/// <summary>
/// The variation seed's noise against torch's numbers for A1111's slerp (tests/fixtures/golden/variation-noise.json,
/// written by the script beside it): the seed's and the variation seed's CPU noise, blended.
/// </summary>
public sealed class VariationNoiseTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, LoadCases().Length)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BlendedNoiseMatchesA1111sSlerpInTorch(int index)
    {
        var golden = LoadCases()[index];
        var shape = golden.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var (channels, height, width) = (shape[0], shape[1], shape[2]);
        var noise = new float[channels * height * width];
        var variation = new float[noise.Length];
        NoiseGenerators.Create(NoiseSource.Torch, golden.GetProperty("seed").GetInt64()).Fill(noise);
        NoiseGenerators.Create(NoiseSource.Torch, golden.GetProperty("variation_seed").GetInt64()).Fill(variation);

        VariationNoise.Slerp(golden.GetProperty("strength").GetDouble(), noise, variation, channels, height, width);

        var expected = golden.GetProperty("noise").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(expected.Length, noise.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - noise[i]) <= 1e-5, $"value {i}: expected {expected[i]}, got {noise[i]}");
        }
    }

    [Fact]
    public void FullStrengthIsTheVariationSeedsNoiseExactly()
    {
        var noise = new float[4 * 8 * 8];
        var variation = new float[noise.Length];
        NoiseGenerators.Create(NoiseSource.Philox, 1).Fill(noise);
        NoiseGenerators.Create(NoiseSource.Philox, 2).Fill(variation);

        VariationNoise.Slerp(1, noise, variation, 4, 8, 8);

        Assert.Equal(variation, noise);
    }

    private static JsonElement[] LoadCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("variation-noise.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }
}
