using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Onnx;

public sealed class ThreadSettingsTests
{
    [Fact]
    public void SpinningIsOffAndThreadsAreOnnxRuntimesDefaultUnlessConfigured()
    {
        var settings = ThreadSettings.For(new InferenceOptions());

        Assert.Equal(0, settings.IntraOpThreads);
        Assert.Equal("0", settings.ConfigEntries[ThreadSettings.AllowSpinningKey]);
    }

    [Theory]
    [InlineData(1, true, "1")]
    [InlineData(3, false, "0")]
    public void ConfiguredThreadsAndSpinningReachTheSessionOptions(int threads, bool spinning, string expectedEntry)
    {
        var settings = ThreadSettings.For(new InferenceOptions { IntraOpThreads = threads, AllowSpinning = spinning });
        using var sessionOptions = new SessionOptions();

        settings.ApplyTo(sessionOptions);

        Assert.Equal(threads, sessionOptions.IntraOpNumThreads);
        Assert.Equal(expectedEntry, settings.ConfigEntries[ThreadSettings.AllowSpinningKey]);
    }

    [Fact]
    public void AModelLoadsAndRunsWithEitherSpinningChoiceAndGivesTheSameImage()
    {
        var directory = ModelFixtures.PathOf(ModelFixtures.Fp32Int64FloatOne);
        var settings = new GenerationSettings { Prompt = "a red circle", Seed = 7, Steps = 2, Width = 64, Height = 64, Scheduler = "ddim" };
        using var spinning = StableDiffusionModel.Load(directory, new InferenceOptions { ExecutionProvider = "cpu", AllowSpinning = true, IntraOpThreads = 1 });
        using var quiet = StableDiffusionModel.Load(directory, new InferenceOptions { ExecutionProvider = "cpu", AllowSpinning = false, IntraOpThreads = 1 });

        var a = new StableDiffusionPipeline(spinning).Generate(settings).Images[0].Image;
        var b = new StableDiffusionPipeline(quiet).Generate(settings).Images[0].Image;

        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
    }
}
