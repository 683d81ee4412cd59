using System.Text.Json;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Randomness;

public sealed class NoiseGeneratorTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<NoiseSource, int> GoldenCases()
    {
        var data = new TheoryData<NoiseSource, int>();
        for (var i = 0; i < LoadCases().Length; i++)
        {
            data.Add(NoiseSource.Torch, i);
            data.Add(NoiseSource.Philox, i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void FillMatchesReferenceRandn(NoiseSource source, int caseIndex)
    {
        var golden = LoadCases()[caseIndex];
        var key = source == NoiseSource.Torch ? "torch_cpu" : "philox_cuda";
        var count = golden.GetProperty("count").GetInt32();
        var values = new float[count];

        NoiseGenerators.Create(source, golden.GetProperty("seed").GetInt64()).Fill(values);

        if (golden.TryGetProperty(key, out var full))
        {
            AssertClose(Doubles(full), values);
        }
        else
        {
            AssertClose(Doubles(golden.GetProperty(key + "_first16")), values[..16]);
            AssertClose(Doubles(golden.GetProperty(key + "_last16")), values[^16..]);

            // A float64 sum of thousands of values accumulates the per-value tolerance.
            var sum = values.Sum(v => (double)v);
            Assert.Equal(golden.GetProperty(key + "_sum").GetDouble(), sum, count * Tolerance);
        }
    }

    [Fact]
    public void GoldenFileHasFiveCasesPerSource()
    {
        Assert.Equal(10, GoldenCases().Count);
    }

    [Fact]
    public void TorchScalarPathMatchesTorchRandnOfFourValues()
    {
        // torch.manual_seed(0); torch.randn(4) -> tensor([ 1.5410, -0.2934, -2.1788,  0.5684]) (PyTorch's docs and forums).
        var values = new float[4];
        NoiseGenerators.Create(NoiseSource.Torch, 0).Fill(values);

        Assert.Equal([1.5410, -0.2934, -2.1788, 0.5684], values.Select(v => Math.Round(v, 4)));
    }

    [Fact]
    public void TorchScalarPathCarriesTheCachedSecondSampleIntoTheNextCall()
    {
        var whole = new float[4];
        NoiseGenerators.Create(NoiseSource.Torch, 0).Fill(whole);

        var generator = NoiseGenerators.Create(NoiseSource.Torch, 0);
        var first = new float[1];
        var rest = new float[3];
        generator.Fill(first);
        generator.Fill(rest);

        Assert.Equal(whole, first.Concat(rest).ToArray());
    }

    [Fact]
    public void TorchTailRecomputesTheLastSixteenValuesFromFreshUniforms()
    {
        var seventeen = new float[17];
        NoiseGenerators.Create(NoiseSource.Torch, 0).Fill(seventeen);
        var sixteen = new float[16];
        NoiseGenerators.Create(NoiseSource.Torch, 0).Fill(sixteen);

        // Value 0 comes from the first block of 16 uniforms; values 1..16 were redrawn after all 17 uniforms.
        Assert.Equal(sixteen[0], seventeen[0]);
        Assert.NotEqual(sixteen[1], seventeen[1]);
        Assert.All(seventeen, v => Assert.InRange(v, -6f, 6f));
    }

    [Fact]
    public void PhiloxSecondCallContinuesAtTheNextOffset()
    {
        var generator = NoiseGenerators.Create(NoiseSource.Philox, 0);
        var first = new float[16];
        var second = new float[16];
        generator.Fill(first);
        generator.Fill(second);

        var golden = Doubles(LoadCases()[0].GetProperty("philox_cuda"));
        AssertClose(golden, first);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(NoiseSource.Torch)]
    [InlineData(NoiseSource.Philox)]
    public void SameSeedGivesSameNoise(NoiseSource source)
    {
        var a = new float[100];
        var b = new float[100];
        NoiseGenerators.Create(source, 123456789012).Fill(a);
        NoiseGenerators.Create(source, 123456789012).Fill(b);

        Assert.Equal(a, b);
    }

    private static JsonElement[] LoadCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("rng-cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
