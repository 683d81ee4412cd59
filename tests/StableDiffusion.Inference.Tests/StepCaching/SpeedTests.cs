using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;
using StableDiffusion.Inference.StepCaching;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.StepCaching;

/// <summary>Speed: Fast on the embedded model, against Speed: Exact.</summary>
public sealed class SpeedTests
{
    /// <summary>Pixel values may move by this much: a batched UNet call may sum in another order than a single one.</summary>
    private const int FloatTolerance = 2;

    private static readonly Lazy<StableDiffusionModel> Embedded =
        new(() => StableDiffusionModel.Load(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes"), LoadedModels.Cpu));

    /// <summary>The embedded model's defaults: 25 steps of DPM++ 2M, guidance 2, 64×64.</summary>
    private static GenerationSettings Request(long seed, Speed speed, string scheduler = "dpmpp-2m", int steps = 25) => new()
    {
        Prompt = "two yellow squares on a black background", Seed = seed, Steps = steps, GuidanceScale = 2, Scheduler = scheduler,
        Width = 64, Height = 64, Speed = speed,
    };

    [Fact]
    public void FastWithBothMethodsOffIsExactBitForBit()
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value) { FastOptions = StepCacheOptions.Off };

        var exact = pipeline.Generate(Request(5, Speed.Exact));
        var fast = pipeline.Generate(Request(5, Speed.Fast));

        Assert.Equal(Requests.Pixels(exact.Images[0].Image), Requests.Pixels(fast.Images[0].Image));
        Assert.Equal((25, 25), (exact.Timings.UnetEvaluations, fast.Timings.UnetEvaluations));
    }

    [Fact]
    public void FastMakesTheSameImageTwiceFromTheSameSeedAndSettings()
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value);

        var first = pipeline.Generate(Request(6, Speed.Fast));
        var second = pipeline.Generate(Request(6, Speed.Fast));

        Assert.Equal(Requests.Pixels(first.Images[0].Image), Requests.Pixels(second.Images[0].Image));
        Assert.Equal(first.Timings.UnetEvaluations, second.Timings.UnetEvaluations);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FastAtTheEmbeddedModelsDefaultsHalvesTheUnetEvaluationsForACloseImage(long seed)
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value);

        var exact = pipeline.Generate(Request(seed, Speed.Exact));
        var fast = pipeline.Generate(Request(seed, Speed.Fast));

        Assert.Equal(25, exact.Timings.UnetEvaluations);
        Assert.InRange(fast.Timings.UnetEvaluations, 1, 12);
        // One image, one UNet call per evaluated step: the two counts agree.
        Assert.Equal((25, fast.Timings.UnetEvaluations), (exact.Timings.UnetCalls, fast.Timings.UnetCalls));
        var (a, b) = (exact.Images[0].Image, fast.Images[0].Image);
        Assert.InRange(ImageComparison.Ssim(a, b), 0.9, 0.99999);
    }

    [Fact]
    public void GuidanceTruncatedFromTheFirstStepRunsThePromptAloneAsGuidanceOneDoes()
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value) { FastOptions = new StepCacheOptions { GuidanceCutoff = 0 } };

        var truncated = pipeline.Generate(Request(7, Speed.Fast));
        var unguided = pipeline.Generate(Request(7, Speed.Exact) with { GuidanceScale = 1 });
        var guided = pipeline.Generate(Request(7, Speed.Exact));

        Assert.Equal(Requests.Pixels(unguided.Images[0].Image), Requests.Pixels(truncated.Images[0].Image));
        Assert.NotEqual(Requests.Pixels(guided.Images[0].Image), Requests.Pixels(truncated.Images[0].Image));
        // Still one evaluation per step: the prompt alone counts as one, as the pair does.
        Assert.Equal(25, truncated.Timings.UnetEvaluations);
    }

    [Fact]
    public void ABatchAtFastDecidesPerImageAndMakesTheImagesMadeAloneAtFast()
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value);
        var request = Request(20, Speed.Fast);

        var batch = pipeline.Generate(request with { BatchSize = 3 });
        var singles = Enumerable.Range(0, 3).Select(i => pipeline.Generate(request with { Seed = request.Seed + i })).ToList();

        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(MaxDifference(singles[i].Images[0].Image, batch.Images[i].Image), 0, FloatTolerance);
        }
        Assert.Equal(singles.Sum(s => s.Timings.UnetEvaluations), batch.Timings.UnetEvaluations);
        Assert.InRange(batch.Timings.UnetEvaluationsPerImage, 1, 12.5);
    }

    [Fact]
    public void AFastJobSharesABatchWithExactJobsOfTheSameSizeAndSchedule()
    {
        Assert.Equal(SharedBatchKey.Of(Request(1, Speed.Exact)), SharedBatchKey.Of(Request(2, Speed.Fast)));
        Assert.NotEqual(SharedBatchKey.Of(Request(1, Speed.Exact)), SharedBatchKey.Of(Request(1, Speed.Fast, steps: 24)));
        Assert.Null(SharedBatchKey.Of(Request(1, Speed.Fast) with { EnableHires = true }));
    }

    public static TheoryData<string> Samplers => [.. SamplerCatalog.Ids];

    [Theory]
    [MemberData(nameof(Samplers))]
    public void EverySamplerRunsFastWithNoMoreEvaluationsThanExactAndACloseImageAndNoisySamplersSkipNoStep(string scheduler)
    {
        var pipeline = new StableDiffusionPipeline(Embedded.Value);

        var exact = pipeline.Generate(Request(3, Speed.Exact, scheduler, steps: 16));
        var fast = pipeline.Generate(Request(3, Speed.Fast, scheduler, steps: 16));

        Assert.InRange(fast.Timings.UnetEvaluations, 1, exact.Timings.UnetEvaluations);
        if (SamplerCatalog.Get(scheduler).AddsNoiseEachStep)
        {
            // A reused prediction would not know the step's fresh noise: these keep every step and truncate guidance only.
            Assert.Equal(exact.Timings.UnetEvaluations, fast.Timings.UnetEvaluations);
        }
        Assert.InRange(ImageComparison.Ssim(exact.Images[0].Image, fast.Images[0].Image), 0.8, 1);
    }

    private static int MaxDifference(RgbImage a, RgbImage b) =>
        Requests.Pixels(a).Zip(Requests.Pixels(b), (p, q) => Math.Max(Math.Abs(p.R - q.R), Math.Max(Math.Abs(p.G - q.G), Math.Abs(p.B - q.B)))).Max();
}
