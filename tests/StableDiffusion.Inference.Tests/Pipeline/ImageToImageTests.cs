using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

public sealed class ImageToImageTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    [Theory]
    [MemberData(nameof(ModelFixtures.Variants), MemberType = typeof(ModelFixtures))]
    public void ImageToImageRunsStrengthTimesStepsAndRecordsTheDenoisingStrength(string variant)
    {
        var reports = new List<StepProgress>();
        var request = Requests.Small(steps: 10, scheduler: "ddim") with { InitImage = Requests.GradientPng(), Strength = 0.5 };

        var result = new StableDiffusionPipeline(models[variant]).Generate(request, new SynchronousProgress(reports.Add));

        var image = result.Images[0];
        Assert.Equal((48, 32), (image.Image.Width, image.Image.Height));
        var parsed = Infotext.Parse(Infotext.Write(InfotextMapping.ToInfotext(image.Settings, variant, null)));
        Assert.Equal(0.5, parsed.DenoisingStrength);
        Assert.Equal(10, parsed.Steps);
        // diffusers get_timesteps: int(10 · 0.5) = 5 denoising steps.
        Assert.Equal(5, reports.Count);
        Assert.All(reports, r => Assert.Equal(5, r.TotalSteps));
    }

    [Fact]
    public void AStrengthTooLowForOneStepStillDenoisesOnce()
    {
        var reports = new List<StepProgress>();
        var request = Requests.Small(steps: 10, scheduler: "euler") with { InitImage = Requests.GradientPng(), Strength = 0.05 };

        new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]).Generate(request, new SynchronousProgress(reports.Add));

        // diffusers would skip all 10 steps (int(10 · 0.05) = 0); the studio always runs at least one.
        var report = Assert.Single(reports);
        Assert.Equal((1, 1), (report.Step, report.TotalSteps));
    }

    [Fact]
    public void StrengthChangesTheResultAndTheSameSeedRepeatsIt()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int64FloatScalar]);
        var request = Requests.Small(steps: 8, scheduler: "euler-a") with { InitImage = Requests.GradientPng(), Strength = 0.3 };

        var light = pipeline.Generate(request).Images[0].Image;
        var lightAgain = pipeline.Generate(request).Images[0].Image;
        var strong = pipeline.Generate(request with { Strength = 1.0 }).Images[0].Image;

        Assert.Equal(Requests.Pixels(light), Requests.Pixels(lightAgain));
        Assert.NotEqual(Requests.Pixels(light), Requests.Pixels(strong));
    }

    [Fact]
    public void StrengthOutsideZeroToOneIsRejected()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int64FloatScalar]);

        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(Requests.Small() with { InitImage = Requests.GradientPng(), Strength = 1.5 }));

        Assert.Contains("Strength", error.Message);
    }

    [Fact]
    public void AnInitImageThatIsNotAnImageIsABadArgument()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int64FloatScalar]);

        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(Requests.Small() with { InitImage = "not an image"u8.ToArray() }));

        Assert.StartsWith("Init image:", error.Message);
    }

    [Fact]
    public void ModelWithoutVaeEncoderCannotDoImageToImage()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        Directory.Delete(copy.PathOf("vae_encoder"), recursive: true);
        using var model = StableDiffusionModel.Load(copy.Directory, LoadedModels.Cpu);

        var error = Assert.Throws<ArgumentException>(() =>
            new StableDiffusionPipeline(model).Generate(Requests.Small() with { InitImage = Requests.GradientPng() }));

        Assert.False(model.SupportsImageToImage);
        Assert.Contains("vae_encoder", error.Message);
    }

    private sealed class SynchronousProgress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
