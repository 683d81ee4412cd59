using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

public sealed class ProgressAndCancellationTests(LoadedModels models) : IClassFixture<LoadedModels>
{
    /// <summary>Reports synchronously on the generating thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Recorder(Action<StepProgress>? onReport = null) : IProgress<StepProgress>
    {
        public List<StepProgress> Reports { get; } = [];

        public void Report(StepProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public void CancellingAtStepTwoOfTwentyStopsWithinOneStep()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new Recorder(p =>
        {
            if (p.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Generate(Requests.Small(steps: 20), progress, cancellation.Token));

        Assert.Equal(20, progress.Reports[0].TotalSteps);
        Assert.InRange(progress.Reports.Count, 2, 3);
    }

    [Fact]
    public void AnAlreadyCancelledTokenRunsNothing()
    {
        var progress = new Recorder();
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp32Int32Int64Batch]);

        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Generate(Requests.Small(), progress, new CancellationToken(canceled: true)));

        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void TerminateStopsAnOnnxCallAndSurfacesAsCancellation()
    {
        var model = models[ModelFixtures.Fp32Int64FloatOne];

        // An already-cancelled token sets RunOptions.Terminate before the call starts, so ONNX Runtime refuses to run it.
        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
            model.TextEncoder.Encode(model.Tokenizer.Encode("a cat").Ids, new CancellationToken(canceled: true)));

        Assert.IsType<OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void EveryStepIsReportedWithVaePreviewsEveryConfiguredStep()
    {
        var progress = new Recorder();
        var pipeline = new StableDiffusionPipeline(models[ModelFixtures.Fp16Int32HalfBatch]);

        pipeline.Generate(Requests.Small(steps: 5) with { BatchCount = 2 }, progress);

        Assert.Equal(10, progress.Reports.Count);
        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], progress.Reports.Select(r => r.Step));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], progress.Reports.Select(r => r.ImageIndex));
        Assert.All(progress.Reports, r => Assert.Equal((5, 2), (r.TotalSteps, r.ImageCount)));
        // LoadedModels.Cpu sets VaePreviewEverySteps = 2.
        Assert.Equal([false, true, false, true, false], progress.Reports.Take(5).Select(r => r.Preview is not null));
        var preview = progress.Reports[1].Preview!;
        Assert.Equal((48, 32), (preview.Width, preview.Height));
        Assert.True(progress.Reports[^1].Elapsed > progress.Reports[0].Elapsed);
    }

    [Fact]
    public void LatentRgbFactorsGiveALatentSizedPreviewEveryStep()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("latent_rgb_factors.json"),
            """{"factors": [[0.298, 0.207, 0.208], [0.187, 0.286, 0.173], [-0.158, 0.189, 0.264], [-0.184, -0.271, -0.473]], "bias": [0, 0, 0]}""");
        using var model = StableDiffusionModel.Load(copy.Directory, LoadedModels.Cpu);
        var progress = new Recorder();

        new StableDiffusionPipeline(model).Generate(Requests.Small(steps: 3), progress);

        Assert.True(model.HasLatentRgbFactors);
        Assert.All(progress.Reports, r =>
        {
            var preview = r.Preview!;
            Assert.Equal((6, 4), (preview.Width, preview.Height));
        });
    }
}
