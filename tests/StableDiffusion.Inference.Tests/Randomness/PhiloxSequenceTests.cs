using System.Text.Json;
using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Randomness;

/// <summary>
/// Consecutive draws of one Philox generator against rng-philox-sequence.json: A1111's NV source advances the offset by
/// one per randn call, and ancestral samplers and img2img draw their later noise that way.
/// </summary>
public sealed class PhiloxSequenceTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, LoadCases().Length)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConsecutiveFillsMatchConsecutiveRandnCalls(int caseIndex)
    {
        var golden = LoadCases()[caseIndex];
        var count = golden.GetProperty("shape").EnumerateArray().Aggregate(1, (product, d) => product * d.GetInt32());
        var generator = NoiseGenerators.Create(NoiseSource.Philox, golden.GetProperty("seed").GetInt64());

        var calls = golden.GetProperty("calls").EnumerateArray().ToArray();
        for (var call = 0; call < calls.Length; call++)
        {
            Assert.Equal(call, calls[call].GetProperty("call").GetInt32());
            var values = new float[count];
            generator.Fill(values);

            var expected = calls[call];
            if (expected.TryGetProperty("values", out var all))
            {
                AssertClose(call, Doubles(all), values);
            }
            else
            {
                AssertClose(call, Doubles(expected.GetProperty("first")), values[..16]);
                AssertClose(call, Doubles(expected.GetProperty("last")), values[^16..]);

                // A float64 sum of thousands of values accumulates the per-value tolerance.
                Assert.Equal(expected.GetProperty("sum").GetDouble(), values.Sum(v => (double)v), count * Tolerance);
            }
        }
    }

    [Fact]
    public void GoldenFileHasFiveCasesOfTwoToFourCalls()
    {
        var cases = LoadCases();

        Assert.Equal(5, cases.Length);
        Assert.All(cases, c => Assert.InRange(c.GetProperty("calls").GetArrayLength(), 2, 4));
    }

    private static JsonElement[] LoadCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("rng-philox-sequence.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertClose(int call, double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"call {call}, value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
