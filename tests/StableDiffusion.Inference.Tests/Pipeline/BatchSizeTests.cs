using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

public sealed class BatchSizeTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    private const string Embedded = "embedded";

    /// <summary>Pixel values may move by this much: a batched UNet call may sum in another order than a single one.</summary>
    private const int FloatTolerance = 2;

    private static readonly Lazy<StableDiffusionModel> EmbeddedModel =
        new(() => StableDiffusionModel.Load(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes"), LoadedModels.Cpu));

    private StableDiffusionModel Model(string name) => name == Embedded ? EmbeddedModel.Value : models[name];

    private static GenerationSettings Request(string model, string scheduler, long seed = 300) => model == Embedded
        ? Requests.Small(seed: seed, steps: 6, scheduler: scheduler, guidance: 2) with { Prompt = "a red circle", Width = 64, Height = 64 }
        : Requests.Small(seed: seed, steps: 4, scheduler: scheduler);

    [Theory]
    [InlineData(Embedded, "euler-a")]
    [InlineData(Embedded, "dpmpp-2m")]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch, "euler-a")]
    [InlineData(ModelFixtures.Fp16Int32HalfBatch, "ddim")]
    public void ABatchOfFourIsTheFourSingleRunsInOneUnetCallPerStep(string model, string scheduler)
    {
        var pipeline = new StableDiffusionPipeline(Model(model));
        var request = Request(model, scheduler);

        var batch = pipeline.Generate(request with { BatchSize = 4 });
        var singles = Enumerable.Range(0, 4).Select(i => pipeline.Generate(request with { Seed = request.Seed + i })).ToList();

        Assert.Equal([300L, 301L, 302L, 303L], batch.Images.Select(i => i.Seed));
        Assert.Equal([0, 1, 2, 3], batch.Images.Select(i => i.BatchPosition));
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(MaxDifference(singles[i].Images[0].Image, batch.Images[i].Image), 0, FloatTolerance);
        }
        // The four are different pictures, so the comparison above could tell them apart.
        Assert.True(MaxDifference(singles[0].Images[0].Image, batch.Images[1].Image) > 10 * FloatTolerance);
        Assert.Equal(request.Steps, batch.Timings.UnetCalls);
        Assert.Equal(request.Steps, singles[0].Timings.UnetCalls);
        Assert.Equal(4, batch.Timings.Images);
    }

    [Fact]
    public void AUnetWhoseBatchIsFixedAtOneRunsEachImageAndPromptAloneAndMakesTheSameImages()
    {
        // The same UNet weights exported with the batch axis fixed at 1 (training/make_fixtures.py).
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.Copy(Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "unet-batch-fixed-at-1", "model.onnx"), copy.PathOf("unet/model.onnx"), overwrite: true);
        using var fixedBatch = StableDiffusionModel.Load(copy.Directory, LoadedModels.Cpu);
        var request = Requests.Small(seed: 9, steps: 3) with { BatchSize = 4 };

        var perImage = new StableDiffusionPipeline(fixedBatch).Generate(request);
        var batched = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]).Generate(request);

        Assert.Equal(3 * 2 * 4, perImage.Timings.UnetCalls);
        Assert.Equal(3, batched.Timings.UnetCalls);
        for (var i = 0; i < 4; i++)
        {
            Assert.InRange(MaxDifference(batched.Images[i].Image, perImage.Images[i].Image), 0, FloatTolerance);
        }
    }

    [Fact]
    public void APromptLongerThanItsNegativeRunsTwoCallsPerStepForTheWholeBatchAndMakesTheSameImages()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        // Two 77-token chunks against the negative prompt's one: cond and uncond cannot share a batch.
        var request = Requests.Small(seed: 500, steps: 3) with { Prompt = string.Join(' ', Enumerable.Repeat("a red circle on a blue square", 15)) };

        var batch = pipeline.Generate(request with { BatchSize = 3 });
        var singles = Enumerable.Range(0, 3).Select(i => pipeline.Generate(request with { Seed = 500 + i })).ToList();

        Assert.Equal(3 * 2, batch.Timings.UnetCalls);
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(MaxDifference(singles[i].Images[0].Image, batch.Images[i].Image), 0, FloatTolerance);
        }
    }

    [Fact]
    public void ABatchWithHiresFixRunsBothPassesBatchedAndMakesTheSameImages()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        var request = Requests.Small(seed: 800, steps: 3) with
        {
            EnableHires = true, HiresScale = 2, HiresUpscaler = "Latent", HiresSteps = 2, HiresDenoisingStrength = 0.5,
        };

        var batch = pipeline.Generate(request with { BatchSize = 2 });
        var singles = Enumerable.Range(0, 2).Select(i => pipeline.Generate(request with { Seed = 800 + i })).ToList();

        Assert.Equal(singles[0].Timings.UnetCalls, batch.Timings.UnetCalls);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((96, 64), (batch.Images[i].Image.Width, batch.Images[i].Image.Height));
            Assert.InRange(MaxDifference(singles[i].Images[0].Image, batch.Images[i].Image), 0, FloatTolerance);
        }
    }

    [Fact]
    public void BatchesFollowEachOtherWithSeedsCountedOverTheWholeJob()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int64FloatOne]);
        var request = Requests.Small(seed: 100, steps: 3);

        var job = pipeline.Generate(request with { BatchSize = 2, BatchCount = 2 });
        var last = pipeline.Generate(request with { Seed = 103 });

        Assert.Equal([100L, 101L, 102L, 103L], job.Images.Select(i => i.Seed));
        Assert.Equal([0, 1, 0, 1], job.Images.Select(i => i.BatchPosition));
        Assert.InRange(MaxDifference(last.Images[0].Image, job.Images[3].Image), 0, FloatTolerance);
        Assert.Equal(2 * 3, job.Timings.UnetCalls);
        var parsed = Infotext.Parse(Infotext.Write(InfotextMapping.ToInfotext(job.Images[3].Settings, null, null, job.Images[3].BatchPosition)));
        Assert.Equal(("2", "1", 103L), (parsed.Extra["Batch size"], parsed.Extra["Batch pos"], parsed.Seed));
    }

    [Fact]
    public void ProgressAdvancesTheWholeBatchEachStep()
    {
        var reports = new List<StepProgress>();
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        pipeline.Generate(Requests.Small(steps: 3) with { BatchSize = 2, BatchCount = 2 }, new Recorder(reports.Add));

        Assert.Equal([0, 0, 0, 2, 2, 2], reports.Select(r => r.ImageIndex));
        Assert.All(reports, r => Assert.Equal((4, 2), (r.ImageCount, r.BatchSize)));
        Assert.Equal([1 / 6.0, 2 / 6.0, 3 / 6.0, 4 / 6.0, 5 / 6.0, 1.0], reports.Select(r => Math.Round(r.Fraction, 10)).ToArray(),
            (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void SkipEndsTheCurrentBatchDecodingItsPredictionAndTheNextBatchRunsWhole()
    {
        var skip = new SkipSignal();
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);
        var request = Requests.Small(seed: 50, steps: 8);
        var progress = new Recorder(p =>
        {
            if (p.ImageIndex == 0 && p.Step == 2)
            {
                skip.Request();
            }
        });

        var skipped = pipeline.Generate(request with { BatchSize = 2, BatchCount = 2 }, progress, skip: skip);
        var whole = pipeline.Generate(request with { BatchSize = 2, BatchCount = 2 });

        Assert.Equal(4, skipped.Images.Count);
        Assert.Equal([50L, 51L, 52L, 53L], skipped.Images.Select(i => i.Seed));
        // The first batch stopped after two of eight steps; the second ran all eight and is the same picture.
        Assert.Equal(2 + 8, skipped.Timings.UnetCalls);
        Assert.True(MaxDifference(whole.Images[0].Image, skipped.Images[0].Image) > 10 * FloatTolerance);
        Assert.InRange(MaxDifference(whole.Images[2].Image, skipped.Images[2].Image), 0, FloatTolerance);
        Assert.InRange(MaxDifference(whole.Images[3].Image, skipped.Images[3].Image), 0, FloatTolerance);
        Assert.Equal("Images 1–2 were skipped after 2 of 8 steps.", Assert.Single(skipped.Warnings));
    }

    [Fact]
    public void ASkipRequestedBeforeTheRunBeginsEndsTheFirstBatchOnly()
    {
        var skip = new SkipSignal();
        skip.Request();
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        var result = pipeline.Generate(Requests.Small(seed: 70, steps: 3) with { BatchCount = 2 }, skip: skip);

        Assert.Equal(2, result.Images.Count);
        Assert.Equal(3, result.Timings.UnetCalls);
        Assert.Equal("Image 1 was skipped after 0 of 3 steps.", Assert.Single(result.Warnings));
    }

    [Fact]
    public void ABatchSizeBelowOneIsRefused()
    {
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(Requests.Small() with { BatchSize = 0 }));

        Assert.Contains("Batch size must be at least 1", error.Message);
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

    /// <summary>Reports on the generating thread, in order.</summary>
    private sealed class Recorder(Action<StepProgress> onReport) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => onReport(value);
    }
}
