using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Onnx;

/// <summary>
/// The IOBinding path of the UNet, run on host buffers (the CUDA provider binds device ones; no GPU here): the same
/// images as plain calls, across sizes and generations.
/// </summary>
public sealed class UnetIoBindingTests
{
    [Theory]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch)]
    [InlineData(ModelFixtures.Fp16Int32HalfBatch)]
    public void BoundBuffersGiveTheSameImagesAsPlainCalls(string variant)
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(variant), new InferenceOptions { ExecutionProvider = "cpu" });
        var pipeline = new StableDiffusionPipeline(model);
        GenerationSettings Request(int size, long seed) => new()
        {
            Prompt = "a red circle", NegativePrompt = "blue", Seed = seed, Steps = 3, Width = size, Height = size, Scheduler = "euler",
        };
        var plain = new[] { pipeline.Generate(Request(32, 1)), pipeline.Generate(Request(64, 2)) };

        using var binding = new UnetIoBinding(model.Unet.Graph, OrtMemoryInfo.DefaultInstance, cudaGraph: false);
        model.Unet.Binding = binding;
        // Two sizes and a repeat: buffers per shape, and new text embeddings copied in for the third generation.
        var bound = new[] { pipeline.Generate(Request(32, 1)), pipeline.Generate(Request(64, 2)), pipeline.Generate(Request(32, 1) with { Prompt = "a green square" }) };
        model.Unet.Binding = null;
        var third = pipeline.Generate(Request(32, 1) with { Prompt = "a green square" });

        Assert.True(plain[0].Images[0].Image.Pixels.SequenceEqual(bound[0].Images[0].Image.Pixels));
        Assert.True(plain[1].Images[0].Image.Pixels.SequenceEqual(bound[1].Images[0].Image.Pixels));
        Assert.True(third.Images[0].Image.Pixels.SequenceEqual(bound[2].Images[0].Image.Pixels));
        Assert.False(bound[0].Images[0].Image.Pixels.SequenceEqual(bound[2].Images[0].Image.Pixels));
    }

    [Fact]
    public void CudaGraphBuffersNeedADeviceCopyAndSayHowToTurnThemOffWhereThereIsNone()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), new InferenceOptions { ExecutionProvider = "cpu" });
        using var binding = new UnetIoBinding(model.Unet.Graph, OrtMemoryInfo.DefaultInstance, cudaGraph: true);
        model.Unet.Binding = binding;

        var error = Assert.Throws<InvalidOperationException>(() => new StableDiffusionPipeline(model).Generate(
            new GenerationSettings { Prompt = "a red circle", Seed = 1, Steps = 1, Width = 32, Height = 32 }));

        Assert.Contains("Inference:EnableCudaGraph", error.Message);
    }

    [Fact]
    public void IoBindingIsUsedOnlyWithCuda()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch),
            new InferenceOptions { ExecutionProvider = "cpu", UseIoBinding = true, EnableCudaGraph = true });

        Assert.Equal("CPU", model.ExecutionProvider);
        Assert.Null(model.Unet.Binding);
    }
}
