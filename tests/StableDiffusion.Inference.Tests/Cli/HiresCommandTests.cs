using SixLabors.ImageSharp;
using StableDiffusion.Cli;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary><c>sd generate</c> with hires fix and seed resize, on the embedded model.</summary>
public sealed class HiresCommandTests : IDisposable
{
    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("sd-cli-hires-");

    [Fact]
    public void HiresAndSeedResizeMakeA128ImageWhoseInfotextSaysSoAsA1111()
    {
        var file = Path.Combine(output.FullName, "hires.png");

        var (exitCode, stderr) = Run("generate", "--prompt", "a red circle", "--steps", "2", "--seed", "3", "--hires", "--hires-upscaler", "Lanczos",
            "--hires-steps", "2", "--hires-strength", "0.6", "--seed-resize-from", "48x56", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var png = File.ReadAllBytes(file);
        Assert.Equal((128, 128), (Image.Identify(png).Width, Image.Identify(png).Height));
        var text = PngInfo.ReadParameters(png)!;
        Assert.Contains("Size: 64x64", text);
        Assert.Contains("Seed resize from: 48x56, Denoising strength: 0.6", text);
        Assert.Contains("Hires upscale: 2, Hires steps: 2, Hires upscaler: Lanczos", text);
    }

    [Fact]
    public void AMalformedSizeIsABadArgumentWithItsOption()
    {
        var (exitCode, stderr) = Run("generate", "--prompt", "x", "--seed-resize-from", "512", "--provider", "cpu", "--out", Path.Combine(output.FullName, "x.png"));

        Assert.Equal(2, exitCode);
        Assert.Contains("--seed-resize-from takes WIDTHxHEIGHT", stderr);
    }

    private static (int ExitCode, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = CliApp.Run(args, stdout, stderr);
        return (exitCode, stderr.ToString());
    }

    public void Dispose() => output.Delete(recursive: true);
}
