using System.Text.Json;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Imaging;

/// <summary>
/// A1111's latent upscalers against torch.nn.functional.interpolate's own numbers (tests/fixtures/golden/
/// latent-upscale.json, written by the script beside it): a 2× upscale, an uneven one and a shrink, per mode.
/// </summary>
public sealed class LatentInterpolationTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var golden in Load().GetProperty("cases").EnumerateArray())
        {
            data.Add(golden.GetProperty("upscaler").GetString()!, golden.GetProperty("height").GetInt32(), golden.GetProperty("width").GetInt32());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachLatentUpscalerMatchesTorchInterpolate(string upscaler, int height, int width)
    {
        var root = Load();
        var shape = root.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var latent = root.GetProperty("latent").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var golden = root.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("upscaler").GetString() == upscaler && c.GetProperty("height").GetInt32() == height && c.GetProperty("width").GetInt32() == width);
        var mode = HiresUpscalers.Find(upscaler)!;

        var result = LatentInterpolation.Resize(latent, new LatentShape(shape[0], shape[1], shape[2]), height, width, mode.LatentMode!.Value, mode.Antialias);

        var expected = golden.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(expected.Length, result.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - result[i]) <= 1e-5, $"{upscaler} to {height}×{width}, value {i}: expected {expected[i]}, got {result[i]}");
        }
    }

    [Fact]
    public void EveryLatentUpscalerHasAGoldenCase()
    {
        var covered = Load().GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("upscaler").GetString()).ToHashSet();

        Assert.All(HiresUpscalers.All.Where(u => u.IsLatent), u => Assert.Contains(u.Name, covered));
    }

    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(ReferenceData.Golden("latent-upscale.json"))).RootElement;
}
