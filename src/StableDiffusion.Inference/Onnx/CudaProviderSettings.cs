using System.Globalization;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// The CUDA execution provider's options (onnxruntime's cuda_provider_options.h names) for one session, from the
/// <c>Inference</c> section. A value of its own, as <see cref="ThreadSettings"/>, so tests can see what reaches a session
/// without a GPU.
/// </summary>
internal sealed record CudaProviderSettings(IReadOnlyDictionary<string, string> Options)
{
    /// <param name="component">The graph's folder: CUDA graphs are captured for the UNet only, the one graph run many times at one shape.</param>
    public static CudaProviderSettings For(InferenceOptions options, string component)
    {
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = options.CudaDeviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = options.CudnnConvAlgoSearch,
            ["arena_extend_strategy"] = options.ArenaExtendStrategy,
        };
        if (options.GpuMemoryLimitBytes > 0)
        {
            settings["gpu_mem_limit"] = options.GpuMemoryLimitBytes.ToString(CultureInfo.InvariantCulture);
        }
        if (options.EnableCudaGraph && IsUnet(component))
        {
            settings["enable_cuda_graph"] = "1";
        }
        return new CudaProviderSettings(settings);
    }

    /// <summary>Whether <paramref name="component"/> (a folder, or a path inside one) is the UNet.</summary>
    public static bool IsUnet(string component) => component.Split('/', '\\')[0] == "unet";
}
