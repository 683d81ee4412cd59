using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Tests.Pipeline;

/// <summary>The floor makes the ONNX calls the pipeline makes, however the UNet batches them.</summary>
public sealed class OnnxFloorTests
{
    [Theory]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch, 1, 1)]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch, 3, 2)]
    [InlineData(ModelFixtures.Fp16Int32HalfBatch, 2, 1)]
    public void TheFloorCallsTheUnetAsOftenAsThePipeline(string variant, int batchSize, int batchCount)
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(variant), new InferenceOptions { ExecutionProvider = "cpu" });
        var settings = new GenerationSettings
        {
            Prompt = "a red circle", NegativePrompt = "blue", Seed = 1, Steps = 3, Width = 32, Height = 32, Scheduler = "heun",
            BatchSize = batchSize, BatchCount = batchCount,
        };
        using var floor = OnnxFloor.Prepare(model, settings);

        var pipeline = new StableDiffusionPipeline(model).Generate(settings).Timings;
        var bare = floor.Run();

        Assert.Equal(pipeline.UnetCalls, bare.UnetCalls);
        Assert.True(bare.Total > 0 && bare.Unet > 0 && bare.VaeDecode > 0);
        Assert.True(bare.Total >= bare.TextEncoder + bare.Unet + bare.VaeDecode - 0.01);
    }

    [Fact]
    public void AUnetFixedAtBatchOneGetsOneCallPerPromptAndImage()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.Copy(Path.Combine(ModelFixtures.RepositoryRoot, "tests", "fixtures", "unet-batch-fixed-at-1", "model.onnx"), copy.PathOf("unet/model.onnx"), overwrite: true);
        using var model = StableDiffusionModel.Load(copy.Directory, new InferenceOptions { ExecutionProvider = "cpu" });
        var settings = new GenerationSettings { Prompt = "a red circle", Seed = 1, Steps = 2, Width = 32, Height = 32, Scheduler = "euler", BatchSize = 2 };
        using var floor = OnnxFloor.Prepare(model, settings);

        Assert.Equal(2 * 2, floor.CallsPerStep);
        Assert.Equal(new StableDiffusionPipeline(model).Generate(settings).Timings.UnetCalls, floor.Run().UnetCalls);
    }

    [Fact]
    public void AFloorRunWithoutThePromptSpendsNothingOnTheTextEncoderAndMakesTheSameUnetCalls()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), new InferenceOptions { ExecutionProvider = "cpu" });
        using var floor = OnnxFloor.Prepare(model, new GenerationSettings { Prompt = "a red circle", Seed = 1, Steps = 2, Width = 32, Height = 32 });

        var withPrompt = floor.Run(encodePrompt: true);
        var cached = floor.Run(encodePrompt: false);

        Assert.True(withPrompt.TextEncoder > 0);
        Assert.Equal(0, cached.TextEncoder);
        Assert.Equal(withPrompt.UnetCalls, cached.UnetCalls);
    }

    [Fact]
    public void TheFloorIsForTextToImage()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), new InferenceOptions { ExecutionProvider = "cpu" });

        var error = Assert.Throws<ArgumentException>(() => OnnxFloor.Prepare(model, new GenerationSettings { Prompt = "x", EnableHires = true }));

        Assert.Contains("txt2img", error.Message);
    }
}
