using System.Text.Json;
using StableDiffusion.Cli;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary><c>sd generate --speed</c> and <c>sd bench --cache fast</c> on the embedded model, in-process.</summary>
public sealed class SpeedCommandTests : IDisposable
{
    private static readonly string Embedded = Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes");

    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("sd-speed-");

    [Theory]
    [InlineData("exact")]
    [InlineData("fast")]
    public void GenerateCountsTheUnetEvaluationsPerImageAndRecordsAFastImagesSpeed(string speed)
    {
        var file = Path.Combine(output.FullName, $"{speed}.png");

        var (exitCode, stdout, stderr) = Run("generate", "--model", Embedded, "--prompt", "a red circle on a blue background", "--seed", "3",
            "--batch-size", "2", "--speed", speed, "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var calls = json.RootElement.GetProperty("unet_calls").GetDouble();
        var parameters = PngInfo.ReadParameters(File.ReadAllBytes(file))!;
        if (speed == "fast")
        {
            Assert.InRange(calls, 1, 12.5);
            Assert.Equal("Fast", Infotext.Parse(parameters).Extra["Speed"]);
        }
        else
        {
            // The embedded model's 25 steps, each image evaluated at every one.
            Assert.Equal(25, calls);
            Assert.DoesNotContain("Speed", parameters);
        }
    }

    [Fact]
    public void GenerateRefusesAnUnknownSpeed()
    {
        var (exitCode, _, stderr) = Run("generate", "--model", Embedded, "--prompt", "a red circle", "--speed", "turbo",
            "--out", Path.Combine(output.FullName, "x.png"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("turbo", stderr);
    }

    [Fact]
    public void BenchCacheFastComparesExactAndFastPairsOnTheEvaluationPrompts()
    {
        var (exitCode, stdout, stderr) = Run("bench", "--model", Embedded, "--cache", "fast", "--prompts", "2", "--seeds", "2", "--steps", "16",
            "--provider", "cpu");

        Assert.True(exitCode == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var cache = json.RootElement.GetProperty("cache");
        Assert.Equal((4, 2, 2), (cache.GetProperty("pairs").GetInt32(), cache.GetProperty("prompts").GetInt32(), cache.GetProperty("seeds").GetInt32()));
        Assert.Equal(16, cache.GetProperty("unet_calls").GetProperty("exact").GetDouble());
        Assert.InRange(cache.GetProperty("unet_calls").GetProperty("fast").GetDouble(), 1, 15);
        Assert.InRange(cache.GetProperty("ssim").GetProperty("min").GetDouble(), 0.5, cache.GetProperty("ssim").GetProperty("mean").GetDouble());
        Assert.InRange(cache.GetProperty("mean_abs_diff").GetProperty("mean").GetDouble(), 1e-6, 0.2);
        Assert.True(cache.GetProperty("speedup_median").GetDouble() > 0);
        Assert.Equal(16, json.RootElement.GetProperty("settings").GetProperty("steps").GetInt32());
        Assert.Contains("step cache over 4 pairs", stderr);
    }

    public void Dispose() => output.Delete(recursive: true);

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = CliApp.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
