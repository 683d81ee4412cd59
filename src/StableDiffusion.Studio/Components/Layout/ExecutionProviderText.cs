using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// The execution provider in words a newcomer can act on. ONNX Runtime's own reason ("libcublasLt.so.13: cannot
/// open shared object file") stays in the log and on /healthz, where the person fixing the server looks.
/// </summary>
public static class ExecutionProviderText
{
    public const string NoUsableGpu = "Running on the CPU: no usable NVIDIA GPU (details in the log)";

    public static string Chip(ModelInfo? model) => model?.ExecutionProvider ?? "no model";

    public static string Tooltip(ModelInfo? model) => model switch
    {
        null => "No model could be loaded (details in the log)",
        { ExecutionProvider: "CUDA" } => "Running on the NVIDIA GPU (CUDA)",
        { ExecutionProviderReason: var reason } when reason.Contains("ExecutionProvider is cpu", StringComparison.Ordinal) =>
            "Running on the CPU, as the server's settings ask (Inference:ExecutionProvider)",
        _ => NoUsableGpu,
    };
}
