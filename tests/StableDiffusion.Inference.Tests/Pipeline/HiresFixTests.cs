using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>A1111's hires fix on the embedded model (64×64 native, dynamic axes): a first pass, an upscale, a second pass.</summary>
public sealed class HiresFixTests : IDisposable
{
    private readonly StableDiffusionModel model = StableDiffusionModel.Load(
        Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes"), new InferenceOptions { ExecutionProvider = "cpu" });

    private static GenerationSettings Request(string upscaler) => new()
    {
        Prompt = "a red circle on a blue background", Seed = 3, Steps = 3, GuidanceScale = 2, Scheduler = "euler-a",
        Width = 64, Height = 64, EnableHires = true, HiresUpscaler = upscaler, HiresSteps = 2,
    };

    private sealed class Recorder : IProgress<StepProgress>
    {
        public List<StepProgress> Reports { get; } = [];

        public void Report(StepProgress value) => Reports.Add(value);
    }

    [Theory]
    [InlineData("Latent")]
    [InlineData("Latent (bicubic antialiased)")]
    [InlineData("Latent (nearest-exact)")]
    [InlineData("Lanczos")]
    public void ScaleTwoMakesA128By128ImageFromA64By64FirstPass(string upscaler)
    {
        var result = new StableDiffusionPipeline(model).Generate(Request(upscaler));

        var image = Assert.Single(result.Images).Image;
        Assert.Equal((128, 128), (image.Width, image.Height));
        // The pixels are a picture, not a constant: the second pass ran on real latents.
        Assert.True(image.Pixels.ToArray().Distinct().Count() > 100);
    }

    [Fact]
    public void ProgressCountsTheStepsOfBothPassesForEveryImage()
    {
        var progress = new Recorder();

        var request = Request("Latent") with { BatchCount = 2 };

        new StableDiffusionPipeline(model).Generate(request, progress);

        // 3 first-pass steps and 2 hires steps per image, as the settings count them before the run.
        Assert.Equal(5, request.TotalSteps);
        Assert.Equal(10, progress.Reports.Count);
        Assert.All(progress.Reports, r => Assert.Equal(5, r.TotalSteps));
        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], progress.Reports.Select(r => r.Step));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], progress.Reports.Select(r => r.ImageIndex));
    }

    [Fact]
    public void HiresStepsZeroRunsAsManySecondPassStepsAsTheFirstPass()
    {
        var progress = new Recorder();

        new StableDiffusionPipeline(model).Generate(Request("Latent") with { HiresSteps = 0 }, progress);

        Assert.Equal(6, progress.Reports[^1].TotalSteps);
    }

    [Fact]
    public void TheSameSeedGivesTheSamePixelsAndTheSecondPassChangesTheUpscale()
    {
        var pipeline = new StableDiffusionPipeline(model);

        var first = pipeline.Generate(Request("Lanczos")).Images[0].Image;
        var again = pipeline.Generate(Request("Lanczos")).Images[0].Image;
        var weaker = pipeline.Generate(Request("Lanczos") with { HiresDenoisingStrength = 0.2 }).Images[0].Image;

        Assert.Equal(Requests.Pixels(first), Requests.Pixels(again));
        Assert.NotEqual(Requests.Pixels(first), Requests.Pixels(weaker));
    }

    [Fact]
    public void HiresResizeWithAnotherAspectRatioCropsToTheRequestedSize()
    {
        var result = new StableDiffusionPipeline(model).Generate(Request("Latent") with { HiresResizeWidth = 128, HiresResizeHeight = 96 });

        var image = result.Images[0].Image;
        Assert.Equal((128, 96), (image.Width, image.Height));
    }

    [Fact]
    public void TheInfotextRecordsTheFirstPassSizeAndTheHiresKeysAsA1111()
    {
        var image = new StableDiffusionPipeline(model).Generate(Request("Latent") with { HiresSteps = 10, HiresDenoisingStrength = 0.7 }).Images[0];

        var text = Infotext.Write(InfotextMapping.ToInfotext(image.Settings, null, null));

        Assert.Contains("Size: 64x64", text);
        Assert.Contains("Denoising strength: 0.7, RNG: CPU, Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent", text);
    }

    [Fact]
    public void UnknownUpscalersAndImg2ImgAreRefusedWithTheirReason()
    {
        var pipeline = new StableDiffusionPipeline(model);

        var unknown = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request("ESRGAN_4x")));
        var img2img = Assert.Throws<ArgumentException>(() => pipeline.Generate(Request("Latent") with { InitImage = Requests.GradientPng() }));

        Assert.Contains("Unknown hires upscaler 'ESRGAN_4x'", unknown.Message);
        Assert.Contains("Hires fix is for txt2img", img2img.Message);
    }

    public void Dispose() => model.Dispose();
}
