using System.Text.Json;
using SixLabors.ImageSharp;
using StableDiffusion.Cli;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Cli;

/// <summary>The generate and info verbs, run in-process through the same entry as the <c>sd</c> program.</summary>
public sealed class GenerateAndInfoCommandTests : IDisposable
{
    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("sd-cli-");

    [Fact]
    public void GenerateWritesEveryImageOfTheBatchAndOneJsonLine()
    {
        var file = Path.Combine(output.FullName, "shapes.png");

        var (exitCode, stdout, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch),
            "--prompt", "a red circle", "--negative", "blur", "--seed", "5", "--steps", "3", "--guidance", "6", "--scheduler", "euler",
            "--width", "32", "--height", "24", "--batch", "2", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal([5L, 6L], json.RootElement.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt64()));
        var files = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray();
        Assert.Equal([file, Path.Combine(output.FullName, "shapes-1.png")], files);
        foreach (var key in new[] { "load", "tokenize", "text_encoder", "unet_total", "unet_per_step", "vae_decode", "total" })
        {
            Assert.True(json.RootElement.GetProperty("timings").GetProperty(key).GetDouble() > 0, key);
        }
        var second = File.ReadAllBytes(files[1]);
        Assert.Equal((32, 24), (Image.Identify(second).Width, Image.Identify(second).Height));
        var parsed = Infotext.Parse(PngInfo.ReadParameters(second)!);
        Assert.Equal(("a red circle", "blur", 6L, 3, 6.0, "Euler"), (parsed.Prompt, parsed.NegativePrompt, parsed.Seed, parsed.Steps, parsed.CfgScale, parsed.Sampler));
    }

    [Fact]
    public void GenerateWithABatchSizeMakesBatchSizeTimesBatchCountImagesInOneUnetCallPerStepPerBatch()
    {
        var file = Path.Combine(output.FullName, "batched.png");

        var (exitCode, stdout, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch),
            "--prompt", "a red circle", "--seed", "10", "--steps", "2", "--width", "16", "--height", "16", "--batch-size", "2", "--batch-count", "2",
            "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal([10L, 11L, 12L, 13L], json.RootElement.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt64()));
        // Per image: one evaluation per step (the CFG pair counts once); the ONNX calls: one per step per batch.
        Assert.Equal(2, json.RootElement.GetProperty("unet_calls").GetDouble());
        Assert.Equal(2 * 2, json.RootElement.GetProperty("unet_onnx_calls").GetInt32());
        var last = Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(Path.Combine(output.FullName, "batched-3.png")))!);
        Assert.Equal((13L, "2", "1"), (last.Seed, last.Extra["Batch size"], last.Extra["Batch pos"]));
    }

    [Fact]
    public void GenerateTakesTheEmphasisModeAndPaddingAndRecordsThemAsA1111Does()
    {
        var file = Path.Combine(output.FullName, "weighted.png");
        var longPrompt = "(red circle:1.3) " + string.Join(' ', Enumerable.Repeat("blue square", 40));

        var (exitCode, _, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch),
            "--prompt", longPrompt, "--negative", "blur", "--emphasis", "no-norm", "--pad-prompts", "--steps", "2", "--seed", "1",
            "--width", "32", "--height", "24", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        Assert.Empty(stderr);
        var parsed = Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(file))!);
        Assert.Equal(("No norm", "True"), (parsed.Extra["Emphasis"], parsed.Extra["Pad conds"]));
    }

    [Fact]
    public void GenerateTakesTheVaeFromAnotherFolderAndRefusesOneThatDoesNotFit()
    {
        var components = Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "components");
        string[] common = ["generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), "--prompt", "x", "--steps", "2", "--seed", "1",
            "--width", "16", "--height", "16", "--provider", "cpu"];
        var (own, swapped) = (Path.Combine(output.FullName, "own-vae.png"), Path.Combine(output.FullName, "other-vae.png"));

        var first = Run([.. common, "--out", own]);
        var second = Run([.. common, "--vae", Path.Combine(components, "vae-other-weights"), "--out", swapped]);
        var misfit = Run([.. common, "--vae", Path.Combine(components, "vae-8-latent-channels"), "--out", Path.Combine(output.FullName, "misfit.png")]);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Error + second.Error);
        Assert.NotEqual(File.ReadAllBytes(own), File.ReadAllBytes(swapped));
        Assert.Equal("vae-other-weights", Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(swapped))!).Extra["VAE"]);
        Assert.False(Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(own))!).Extra.ContainsKey("VAE"));
        Assert.NotEqual(0, misfit.ExitCode);
        Assert.Contains("decodes 8 latent channels but the UNet of fp32-ids-int32-timestep-int64-batch makes 4", misfit.Error);
    }

    [Fact]
    public void GenerateTakesUnsetSettingsFromTheModelDefaults()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp16Int64FloatScalar);
        File.WriteAllText(copy.PathOf("defaults.json"), """{"steps": 2, "guidance_scale": 1.0, "scheduler": "ddim", "width": 16, "height": 40}""");
        var file = Path.Combine(output.FullName, "defaults.png");

        var (exitCode, _, stderr) = Run("generate", "--model", copy.Directory, "--prompt", "x", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var parsed = Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(file))!);
        Assert.Equal((2, "DDIM", 1.0, 16, 40), (parsed.Steps, parsed.Sampler, parsed.CfgScale, parsed.Width, parsed.Height));
    }

    [Fact]
    public void WithoutModelGenerateUsesTheEmbeddedTinyShapesModel()
    {
        var file = Path.Combine(output.FullName, "embedded.png");

        var (exitCode, _, stderr) = Run("generate", "--prompt", "a red circle", "--steps", "2", "--seed", "3", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var parsed = Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(file))!);
        Assert.Equal("tiny-shapes", parsed.Model);
        Assert.Equal((2, 3L), (parsed.Steps, parsed.Seed));
    }

    [Fact]
    public void ImageToImageFromTheCommandLineRecordsTheStrength()
    {
        var init = Path.Combine(output.FullName, "init.png");
        File.WriteAllBytes(init, Requests.GradientPng());
        var file = Path.Combine(output.FullName, "img2img.png");

        var (exitCode, _, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), "--prompt", "x",
            "--steps", "4", "--width", "24", "--height", "24", "--init", init, "--strength", "0.5", "--rng", "philox", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var parsed = Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(file))!);
        Assert.Equal((0.5, "NV"), (parsed.DenoisingStrength, parsed.Rng));
    }

    [Fact]
    public void InpaintingFromTheCommandLineRecordsItsSettings()
    {
        var (init, mask) = (Path.Combine(output.FullName, "init.png"), Path.Combine(output.FullName, "mask.png"));
        File.WriteAllBytes(init, Requests.GradientPng());
        File.WriteAllBytes(mask, Inpainting.Masks.Disc(40, 24, 20, 12, 6));
        var file = Path.Combine(output.FullName, "inpaint.png");

        var (exitCode, _, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), "--prompt", "x",
            "--steps", "2", "--width", "24", "--height", "24", "--init", init, "--mask", mask, "--mask-blur", "2", "--masked-content", "latent-nothing",
            "--invert-mask", "--only-masked", "--only-masked-padding", "4", "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        var parameters = PngInfo.ReadParameters(File.ReadAllBytes(file))!;
        Assert.Contains("Mask mode: Inpaint not masked, Mask blur: 2, Inpaint area: Only masked, Masked area padding: 4, Masked content: latent nothing", parameters);
    }

    [Theory]
    [InlineData("--rng", "philox", "NV")]
    [InlineData("--noise-source", "philox", "NV")]
    [InlineData("--noise-source", "torch", "CPU")]
    public void NoiseSourceIsTakenAsRngOrNoiseSource(string option, string source, string rng)
    {
        var file = Path.Combine(output.FullName, "noise.png");

        var (exitCode, _, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), "--prompt", "x",
            "--steps", "1", "--width", "16", "--height", "16", option, source, "--provider", "cpu", "--out", file);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(rng, Infotext.Parse(PngInfo.ReadParameters(File.ReadAllBytes(file))!).Rng);
    }

    [Fact]
    public void TheSchedulerChoicesAreTheCatalogsIds()
    {
        var (exitCode, stdout, _) = Run("generate", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains($"--scheduler <{string.Join("|", SamplerCatalog.Ids.Order(StringComparer.Ordinal))}>", stdout);
    }

    [Fact]
    public void InfoListsEveryInputWithItsTypeAndTheProvider()
    {
        var (exitCode, stdout, stderr) = Run("info", "--model", ModelFixtures.PathOf(ModelFixtures.Fp16Int32HalfBatch), "--provider", "cpu");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("input  input_ids: int32 [batch, sequence]", stdout);
        Assert.Contains("input  timestep: float16 [batch]", stdout);
        Assert.Contains("input  sample: float16 [batch, 4, height, width]", stdout);
        Assert.Contains("output latent_sample: float16", stdout);
        Assert.Contains("vae scaling factor: 0.18215", stdout);
        Assert.Contains("execution provider: CPU", stdout);
        Assert.Contains("_class_name: \"PNDMScheduler\"", stdout);
    }

    [Theory]
    [InlineData("generate", "--prompt", "x")]
    [InlineData("generate", "--prompt", "x", "--out", "a.png", "--scheduler", "k_dpm_fast")]
    [InlineData("generate", "--prompt", "x", "--out", "a.png", "--steps", "many")]
    [InlineData("generate", "--prompt", "x", "--out", "a.png", "--provider", "tpu")]
    [InlineData("info", "--bogus")]
    public void BadArgumentsFailWithOneLineOnStandardError(params string[] args)
    {
        var (exitCode, stdout, stderr) = Run(args);

        Assert.NotEqual(0, exitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public void SizeThatIsNotAMultipleOfEightFailsWithOneLine()
    {
        var (exitCode, _, stderr) = Run("generate", "--model", ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne), "--prompt", "x",
            "--width", "30", "--height", "32", "--provider", "cpu", "--out", Path.Combine(output.FullName, "bad.png"));

        Assert.Equal(2, exitCode);
        Assert.Equal("error: Width and height must be positive multiples of 8 (got 30×32).", stderr.Trim());
    }

    [Fact]
    public void UnusableModelFailsWithOneLineNamingThePart()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        Directory.Delete(copy.PathOf("unet"), recursive: true);

        var (exitCode, _, stderr) = Run("info", "--model", copy.Directory);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("unet/", line);
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
