using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Layout;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Layout;

public sealed class ExecutionProviderTextTests
{
    private const string OrtFailure = "CUDA could not load: libcublasLt.so.13: cannot open shared object file: No such file or directory";

    [Fact]
    public void AMissingCudaLibraryReadsAsPlainWordsNotTheLibraryError()
    {
        var tooltip = ExecutionProviderText.Tooltip(Model("CPU", OrtFailure));

        Assert.Equal("Running on the CPU: no usable NVIDIA GPU (details in the log)", tooltip);
        Assert.DoesNotContain("libcublas", tooltip);
    }

    [Fact]
    public void ACpuChosenInTheSettingsAndAGpuSayWhich()
    {
        Assert.Contains("as the server's settings ask", ExecutionProviderText.Tooltip(Model("CPU", "Inference:ExecutionProvider is cpu")));
        Assert.Equal("Running on the NVIDIA GPU (CUDA)", ExecutionProviderText.Tooltip(Model("CUDA", "CUDA loaded (device 0)")));
        Assert.Equal("no model", ExecutionProviderText.Chip(null));
    }

    private static ModelInfo Model(string provider, string reason) => new("m", null, ModelDefaults.StableDiffusion15, false, provider, reason);
}
