using System.ComponentModel.DataAnnotations;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Tests.Onnx;

/// <summary>How the <c>Inference</c> section's GPU options become the CUDA provider's options, checked without a GPU.</summary>
public sealed class CudaProviderSettingsTests
{
    [Fact]
    public void DefaultsNameTheDeviceAlgoSearchAndArenaAndLeaveLimitAndGraphsOff()
    {
        var settings = CudaProviderSettings.For(new InferenceOptions(), "unet").Options;

        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "0",
            ["cudnn_conv_algo_search"] = "HEURISTIC",
            ["arena_extend_strategy"] = "kNextPowerOfTwo",
        }, settings);
    }

    [Fact]
    public void ConfiguredOptionsReachEveryGraphAndCudaGraphsOnlyTheUnet()
    {
        var options = new InferenceOptions
        {
            CudaDeviceId = 1, CudnnConvAlgoSearch = "EXHAUSTIVE", ArenaExtendStrategy = "kSameAsRequested",
            GpuMemoryLimitBytes = 6L * 1024 * 1024 * 1024, EnableCudaGraph = true,
        };

        var unet = CudaProviderSettings.For(options, "unet/model.onnx").Options;
        var vae = CudaProviderSettings.For(options, "vae_decoder/model.onnx").Options;

        Assert.Equal("1", unet["device_id"]);
        Assert.Equal("EXHAUSTIVE", unet["cudnn_conv_algo_search"]);
        Assert.Equal("kSameAsRequested", unet["arena_extend_strategy"]);
        Assert.Equal("6442450944", unet["gpu_mem_limit"]);
        Assert.Equal("1", unet["enable_cuda_graph"]);
        Assert.False(vae.ContainsKey("enable_cuda_graph"));
        Assert.Equal(unet.Where(o => o.Key != "enable_cuda_graph"), vae);
    }

    [Theory]
    [InlineData(nameof(InferenceOptions.ArenaExtendStrategy), "kDoubleIt")]
    [InlineData(nameof(InferenceOptions.CudnnConvAlgoSearch), "FASTEST")]
    public void UnknownProviderValuesAreRejectedByValidation(string property, string value)
    {
        var options = new InferenceOptions();
        typeof(InferenceOptions).GetProperty(property)!.SetValue(options, value);
        var errors = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(errors, e => e.MemberNames.Contains(property));
    }
}
