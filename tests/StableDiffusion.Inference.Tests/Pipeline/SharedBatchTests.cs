using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tests.Inpainting;

namespace StableDiffusion.Inference.Tests.Pipeline;

public sealed class SharedBatchTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    /// <summary>Pixel values may move by this much: a UNet call of another batch size may sum in another order.</summary>
    private const int FloatTolerance = 2;

    private static readonly string LongPrompt = string.Join(' ', Enumerable.Repeat("a red circle on a blue square", 15));

    /// <summary>Differing prompts (one of two chunks), negative prompts, seeds, CFG scales (one unguided), batch sizes and counts.</summary>
    private static GenerationSettings[] DifferingRequests(string scheduler) =>
    [
        Requests.Small(seed: 11, steps: 5, scheduler: scheduler, guidance: 7.5),
        Requests.Small(seed: 12, steps: 5, scheduler: scheduler, guidance: 3) with { Prompt = "a green triangle", NegativePrompt = "", BatchSize = 2 },
        Requests.Small(seed: 13, steps: 5, scheduler: scheduler, guidance: 1) with { Prompt = "two yellow squares", BatchCount = 2 },
        Requests.Small(seed: 14, steps: 5, scheduler: scheduler, guidance: 5) with { Prompt = LongPrompt, VariationSeed = 99, VariationStrength = 0.3 },
    ];

    [Theory]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch, "euler-a")]
    [InlineData(ModelFixtures.Fp16Int32HalfBatch, "dpmpp-2m")]
    [InlineData(ModelFixtures.Fp32Int64FloatOne, "ddim")]
    public void ASharedBatchOfDifferingRequestsMakesEachRequestsImagesAsItWouldAlone(string variant, string scheduler)
    {
        var pipeline = new StableDiffusionPipeline(models[variant]);
        var requests = DifferingRequests(scheduler);

        var together = pipeline.GenerateTogether([.. requests.Select(r => new GenerationRequest(r))]);
        var alone = requests.Select(r => pipeline.Generate(r)).ToList();

        for (var job = 0; job < requests.Length; job++)
        {
            var result = Assert.IsType<GenerationResult>(together[job].Result);
            Assert.Equal(alone[job].Images.Select(i => (i.Seed, i.Settings.VariationSeed, i.BatchPosition)), result.Images.Select(i => (i.Seed, i.Settings.VariationSeed, i.BatchPosition)));
            for (var image = 0; image < result.Images.Count; image++)
            {
                Assert.InRange(MaxDifference(alone[job].Images[image].Image, result.Images[image].Image), 0, FloatTolerance);
            }
        }
        // The pictures differ from each other, so the comparison above could tell them apart.
        Assert.True(MaxDifference(alone[0].Images[0].Image, together[1].Result!.Images[0].Image) > 10 * FloatTolerance);
        // Five steps of the first round: one call for the one-chunk rows, one for the long prompt's; the second round is job 2's alone.
        Assert.Equal(5 * 2 + 5, together[2].Result!.Timings.UnetCalls);
        Assert.Equal(5 * 2, together[0].Result!.Timings.UnetCalls);
    }

    [Fact]
    public void OnTheEmbeddedModelEverySharedImageIsBitForBitItsImageAlone()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu);
        var pipeline = new StableDiffusionPipeline(model);
        var defaults = model.Defaults;
        var requests = new[] { "a red circle", "two yellow squares on a black background", "a blue triangle", "a red circle" }
            .Select((prompt, i) => GenerationSettings.ForModel(model.Name, defaults) with { Prompt = prompt, Seed = 40 + i, GuidanceScale = 1.5 + i })
            .ToArray();

        var together = pipeline.GenerateTogether([.. requests.Select(r => new GenerationRequest(r))]);
        var alone = requests.Select(r => pipeline.Generate(r)).ToList();

        for (var job = 0; job < requests.Length; job++)
        {
            Assert.Equal(Requests.Pixels(alone[job].Images[0].Image), Requests.Pixels(together[job].Result!.Images[0].Image));
        }
        Assert.Equal(defaults.Steps, together[0].Result!.Timings.UnetCalls);
    }

    [Fact]
    public void FastInpaintAndImageToImageJobsShareABatchWithAnExactOneAndEachMakesItsImagesAsAlone()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu);
        var pipeline = new StableDiffusionPipeline(model);
        // The inpainting request's schedule (20 steps of DPM++ 2M at 64×64), which the others share.
        var inpaint = EmbeddedModelInpaintingTests.Request(seed: 2);
        var exact = new GenerationSettings
        {
            Prompt = "a blue triangle", Seed = 3, Steps = 20, GuidanceScale = 2, Scheduler = "dpmpp-2m", Width = 64, Height = 64,
        };
        GenerationSettings[] requests =
        [
            exact,
            exact with { Prompt = "two yellow squares on a black background", Seed = 20, Speed = Speed.Fast, BatchSize = 2 },
            inpaint,
            // img2img joins the loop at step 8 of 20.
            exact with { Prompt = "a red circle", Seed = 4, InitImage = Requests.GradientPng(), Strength = 0.6 },
        ];

        var together = pipeline.GenerateTogether([.. requests.Select(r => new GenerationRequest(r))]);
        var alone = requests.Select(r => pipeline.Generate(r)).ToList();

        for (var job = 0; job < requests.Length; job++)
        {
            var result = Assert.IsType<GenerationResult>(together[job].Result);
            Assert.Equal(requests[job].BatchSize, result.Images.Count);
            for (var image = 0; image < result.Images.Count; image++)
            {
                Assert.InRange(MaxDifference(alone[job].Images[image].Image, result.Images[image].Image), 0, FloatTolerance);
            }
            // Each image takes its own step-caching decisions in the batch as alone.
            Assert.Equal(alone[job].Timings.UnetEvaluations, result.Timings.UnetEvaluations);
        }
        Assert.Equal(20, together[0].Result!.Timings.UnetEvaluations);
        Assert.InRange(together[1].Result!.Timings.UnetEvaluations, 2, 2 * 12);
        Assert.Equal(12, together[3].Result!.Timings.UnetEvaluations);
        // Every job's step is in the one call of that step: the exact job saw one call per step.
        Assert.Equal(20, together[0].Result!.Timings.UnetCalls);
        // The inpainted picture keeps the init image outside the mask, as alone; the others are pictures of their own.
        Assert.True(MaxDifference(alone[0].Images[0].Image, together[2].Result!.Images[0].Image) > 10 * FloatTolerance);
        Assert.True(MaxDifference(alone[3].Images[0].Image, together[0].Result!.Images[0].Image) > 10 * FloatTolerance);
    }

    [Fact]
    public void InpaintJobsOnANineChannelUnetShareABatchEachWithItsOwnMaskAndImage()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Inpainting9Channel]);
        var request = Requests.Small(seed: 8, steps: 4) with
        {
            Width = 32, Height = 32, InitImage = Masks.Solid(32, 32, new(200, 100, 50)), Mask = Masks.Disc(32, 32, 16, 16, 8), Strength = 1,
        };
        GenerationSettings[] requests =
        [
            request,
            request with { Seed = 9, InitImage = Masks.Solid(32, 32, new(20, 40, 230)), Mask = Masks.Disc(32, 32, 10, 20, 6), Strength = 0.75 },
        ];

        var together = pipeline.GenerateTogether([.. requests.Select(r => new GenerationRequest(r))]);
        var alone = requests.Select(r => pipeline.Generate(r)).ToList();

        for (var job = 0; job < requests.Length; job++)
        {
            Assert.InRange(MaxDifference(alone[job].Images[0].Image, together[job].Result!.Images[0].Image), 0, FloatTolerance);
        }
        Assert.True(MaxDifference(alone[0].Images[0].Image, together[1].Result!.Images[0].Image) > 10 * FloatTolerance);
        // One call per step: the second job joins at step 2 of 4.
        Assert.Equal((4, 3), (together[0].Result!.Timings.UnetCalls, together[1].Result!.Timings.UnetCalls));
    }

    [Fact]
    public void ACancelledRequestLeavesTheBatchAndTheOthersKeepTheirImages()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        var requests = DifferingRequests("euler-a");
        using var cancellation = new CancellationTokenSource();
        var cancelled = new Recorder(p =>
        {
            if (p.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        var others = new Recorder();

        var together = pipeline.GenerateTogether(
        [
            new GenerationRequest(requests[0], others),
            new GenerationRequest(requests[1], cancelled, cancellation.Token),
            new GenerationRequest(requests[3]),
        ]);

        Assert.IsAssignableFrom<OperationCanceledException>(together[1].Error);
        Assert.Equal(2, cancelled.Reports.Count);
        Assert.Equal([1, 2, 3, 4, 5], others.Reports.Select(r => r.Step));
        foreach (var (job, request) in new[] { (0, requests[0]), (2, requests[3]) })
        {
            var alone = pipeline.Generate(request);
            Assert.InRange(MaxDifference(alone.Images[0].Image, together[job].Result!.Images[0].Image), 0, FloatTolerance);
        }
    }

    [Fact]
    public void EachRequestReportsItsOwnProgressAndASkipEndsOnlyItsOwnBatch()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        var skip = new SkipSignal();
        var first = new Recorder();
        var skipping = new Recorder(p =>
        {
            if (p.ImageIndex == 0 && p.Step == 2)
            {
                skip.Request();
            }
        });
        var request = Requests.Small(seed: 60, steps: 6);

        var together = pipeline.GenerateTogether(
        [
            new GenerationRequest(request with { BatchSize = 2 }, first),
            new GenerationRequest(request with { Seed = 70, BatchCount = 2 }, skipping, Skip: skip),
        ]);

        Assert.Equal([1, 2, 3, 4, 5, 6], first.Reports.Select(r => r.Step));
        Assert.All(first.Reports, r => Assert.Equal((0, 2, 2), (r.ImageIndex, r.ImageCount, r.BatchSize)));
        Assert.Equal([(0, 1), (0, 2), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6)], skipping.Reports.Select(r => (r.ImageIndex, r.Step)));
        Assert.Equal("Image 1 was skipped after 2 of 6 steps.", Assert.Single(together[1].Result!.Warnings));
        Assert.Equal([70L, 71L], together[1].Result!.Images.Select(i => i.Seed));
        var alone = pipeline.Generate(request with { Seed = 71 });
        Assert.InRange(MaxDifference(alone.Images[0].Image, together[1].Result!.Images[1].Image), 0, FloatTolerance);
        Assert.Empty(together[0].Result!.Warnings);
    }

    [Fact]
    public void ARequestThatCannotShareTheBatchFailsAloneWithItsReason()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        var request = Requests.Small(seed: 5, steps: 3);

        var together = pipeline.GenerateTogether(
        [
            new GenerationRequest(request),
            new GenerationRequest(request with { Steps = 4 }),
            new GenerationRequest(request with { Width = 50 }),
        ]);

        Assert.NotNull(together[0].Result);
        Assert.Contains("can share a batch", Assert.IsType<ArgumentException>(together[1].Error).Message);
        Assert.IsType<ArgumentException>(together[2].Error);
    }

    [Fact]
    public void ASixteenSeedGridRunsTheTextEncoderOncePerDistinctPrompt()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.EmbeddedModel, LoadedModels.Cpu);
        var pipeline = new StableDiffusionPipeline(model);
        var grid = GenerationSettings.ForModel(model.Name, model.Defaults) with { Prompt = "a red circle", NegativePrompt = "blurry", Steps = 2 };

        for (var seed = 0; seed < 16; seed++)
        {
            pipeline.Generate(grid with { Seed = seed });
        }
        Assert.Equal(2, model.TextEncoder.Calls);

        // A new prompt is encoded once (the negative prompt is found); another emphasis mode is another key, for both prompts.
        pipeline.Generate(grid with { Prompt = "a (red:1.5) circle", Seed = 1 });
        pipeline.Generate(grid with { Prompt = "a (red:1.5) circle", EmphasisMode = EmphasisMode.None, Seed = 1 });
        pipeline.Generate(grid with { Prompt = "a (red:1.5) circle", Seed = 2 });
        Assert.Equal(2 + 1 + 2, model.TextEncoder.Calls);
    }

    private static int MaxDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        var (x, y) = (Requests.Pixels(a), Requests.Pixels(b));
        var max = 0;
        for (var i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, Math.Max(Math.Abs(x[i].R - y[i].R), Math.Max(Math.Abs(x[i].G - y[i].G), Math.Abs(x[i].B - y[i].B))));
        }
        return max;
    }

    /// <summary>Reports synchronously on the generating thread, in order.</summary>
    private sealed class Recorder(Action<StepProgress>? onReport = null) : IProgress<StepProgress>
    {
        public List<StepProgress> Reports { get; } = [];

        public void Report(StepProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
