using Microsoft.Extensions.Logging;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>A loaded Stable Diffusion ONNX folder: its sessions (created once, reused), tokenizer, scheduler config and defaults.</summary>
public sealed class StableDiffusionModel : IDisposable
{
    /// <summary>Loads a model folder. Throws <see cref="ModelLoadException"/> naming the missing or broken part.</summary>
    public static StableDiffusionModel Load(string directory, InferenceOptions options, ILogger? logger = null) => throw new NotImplementedException();

    /// <summary>The folder name, which is how users and the A1111 API name the model.</summary>
    public string Name => throw new NotImplementedException();

    public string Directory => throw new NotImplementedException();

    /// <summary>First 10 hex digits of the UNet file's SHA-256 (A1111's "Model hash").</summary>
    public string Hash => throw new NotImplementedException();

    public ModelDefaults Defaults => throw new NotImplementedException();

    public ClipTokenizer Tokenizer => throw new NotImplementedException();

    public bool SupportsImageToImage => throw new NotImplementedException();

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider => throw new NotImplementedException();

    /// <summary>Why that provider is in use, e.g. "CUDA could not load: libcublasLt.so.13 missing".</summary>
    public string ExecutionProviderReason => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
