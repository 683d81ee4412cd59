using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Tests.Pipeline;

namespace StableDiffusion.Inference.Tests.Onnx;

public sealed class ModelLoadingTests
{
    private static readonly InferenceOptions Cpu = new() { ExecutionProvider = "cpu" };

    [Theory]
    [InlineData(ModelFixtures.Fp32Int32Int64Batch, TensorElementType.Int32, TensorElementType.Int64, 1, null, TensorElementType.Float, VaeEncoderOutput.LatentSample)]
    [InlineData(ModelFixtures.Fp32Int64FloatOne, TensorElementType.Int64, TensorElementType.Float, 1, 1, TensorElementType.Float, VaeEncoderOutput.LatentParameters)]
    [InlineData(ModelFixtures.Fp16Int64FloatScalar, TensorElementType.Int64, TensorElementType.Float, 0, null, TensorElementType.Float16, VaeEncoderOutput.LatentParameters)]
    [InlineData(ModelFixtures.Fp16Int32HalfBatch, TensorElementType.Int32, TensorElementType.Float16, 1, null, TensorElementType.Float16, VaeEncoderOutput.LatentSample)]
    public void LoaderDetectsEachExporterContract(
        string variant, TensorElementType ids, TensorElementType timestep, int timestepRank, int? timestepLength, TensorElementType sample, VaeEncoderOutput encoder)
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(variant), Cpu);

        Assert.Equal(ids, model.TextEncoder.InputIdsType);
        Assert.Equal(new TimestepInput(timestep, timestepRank, timestepLength), model.Unet.Timestep);
        Assert.Equal(sample, model.Unet.SampleType);
        Assert.Equal(sample, model.Unet.EncoderHiddenStatesType);
        Assert.Equal(sample, model.VaeDecoder.LatentSampleType);
        Assert.Equal(encoder, model.VaeEncoderKind);
        Assert.True(model.SupportsImageToImage);
        Assert.False(model.IsInpainting);
    }

    [Fact]
    public void LoaderReadsScalingFactorNameAndProviderOfAFixture()
    {
        using var model = StableDiffusionModel.Load(ModelFixtures.PathOf(ModelFixtures.Fp32Int32Int64Batch), Cpu);

        Assert.Equal(0.18215f, model.ScalingFactor);
        Assert.Equal(8, model.VaeScaleFactor);
        Assert.Equal(ModelFixtures.Fp32Int32Int64Batch, model.Name);
        Assert.Equal("CPU", model.ExecutionProvider);
        Assert.Equal(ModelDefaults.StableDiffusion15, model.Defaults);
        Assert.Equal(["text_encoder", "unet", "vae_decoder", "vae_encoder"], model.Components.Select(c => c.Name));
        Assert.Contains(model.Components.Single(c => c.Name == "unet").Inputs, i => i.Name == "timestep" && i.ElementType == "int64");
    }

    [Fact]
    public void ModelHashIsTheFirstTenHexDigitsOfTheUnetSha256()
    {
        var directory = ModelFixtures.PathOf(ModelFixtures.Fp16Int32HalfBatch);
        using var model = StableDiffusionModel.Load(directory, Cpu);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, "unet", "model.onnx"))));
        Assert.Equal(expected[..10], model.Hash);
    }

    [Fact]
    public void DefaultsJsonBesideModelIndexOverridesStableDiffusionDefaults()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("defaults.json"), """{"steps": 12, "guidance_scale": 3.5, "scheduler": "euler-a", "width": 64, "height": 32}""");

        using var model = StableDiffusionModel.Load(copy.Directory, Cpu);

        Assert.Equal(new ModelDefaults(12, 3.5, "euler-a", 64, 32), model.Defaults);
    }

    [Fact]
    public void ScalingFactorFallsBackToTheEncoderConfigThenToSd15()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.Delete(copy.PathOf("vae_decoder/config.json"));
        File.WriteAllText(copy.PathOf("vae_encoder/config.json"), """{"scaling_factor": 0.13025}""");

        using (var model = StableDiffusionModel.Load(copy.Directory, Cpu))
        {
            Assert.Equal(0.13025f, model.ScalingFactor);
        }

        File.Delete(copy.PathOf("vae_encoder/config.json"));
        using var fallback = StableDiffusionModel.Load(copy.Directory, Cpu);
        Assert.Equal(0.18215f, fallback.ScalingFactor);
    }

    [Fact]
    public void VaeScaleFactorFollowsBlockOutChannelsWhenTheGraphLeavesSizesDynamic()
    {
        using var copy = ModelFixtures.Copy(ModelFixtures.Fp32Int64FloatOne);
        File.WriteAllText(copy.PathOf("vae_decoder/config.json"), """{"block_out_channels": [32, 64, 64], "scaling_factor": 2.5}""");

        using var model = StableDiffusionModel.Load(copy.Directory, Cpu);

        // diffusers: vae_scale_factor = 2 ** (len(block_out_channels) - 1).
        Assert.Equal((4, 2.5f), (model.VaeScaleFactor, model.ScalingFactor));
    }

    [Fact]
    public void EmbeddedModelHasAFourTimesVaeItsOwnDefaultsAndPreviewFactors()
    {
        using var model = StableDiffusionModel.Load(Path.Combine(ModelFixtures.RepositoryRoot, "models", "tiny-shapes"), Cpu);

        Assert.Equal(4, model.VaeScaleFactor);
        Assert.True(model.HasLatentRgbFactors);
        Assert.NotEqual(ModelDefaults.StableDiffusion15, model.Defaults);
        Assert.Equal((64, 64), (model.Defaults.Width, model.Defaults.Height));
    }
}
