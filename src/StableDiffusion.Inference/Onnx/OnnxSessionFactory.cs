using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// Chooses the execution provider once per model and opens every session of that model with the same options.
/// CUDA is detected by trying to append it, never with OrtEnv.GetAvailableProviders (which lists CUDA on machines
/// without a GPU): the GPU package throws OnnxRuntimeException when the CUDA libraries are missing, the CPU package
/// EntryPointNotFoundException, and a missing native library DllNotFoundException.
/// </summary>
internal sealed class OnnxSessionFactory : IDisposable
{
    private readonly string mode;
    private readonly InferenceOptions options;
    private readonly ILogger logger;
    private SessionOptions sessionOptions;
    private SessionOptions? unetSessionOptions;

    private OnnxSessionFactory(InferenceOptions options, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        mode = options.ExecutionProvider.ToLowerInvariant();
        (sessionOptions, ExecutionProvider, Reason) = mode switch
        {
            "cpu" => (CpuOptions(), "CPU", "Inference:ExecutionProvider is cpu"),
            "cuda" => CudaOrThrow(),
            "auto" => CudaOrCpu(),
            _ => throw new ModelLoadException($"Unknown execution provider '{options.ExecutionProvider}': use auto, cuda or cpu."),
        };
        OnnxLog.ProviderChosen(logger, ExecutionProvider, Reason);
    }

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider { get; private set; }

    public string Reason { get; private set; }

    public static OnnxSessionFactory Create(InferenceOptions options, ILogger logger) => new(options, logger);

    /// <summary>Opens one sub-model from its file path, so external weights (weights.pb, model.onnx_data) beside it load too.</summary>
    public InferenceSession Open(string component, string path)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var session = new InferenceSession(path, OptionsFor(component));
            OnnxLog.ComponentLoaded(logger, component, clock.ElapsedMilliseconds);
            return session;
        }
        catch (OnnxRuntimeException error) when (mode == "auto" && ExecutionProvider == "CUDA" && TryCpu(path))
        {
            // The CUDA library loaded but the device did not (no driver, no GPU, cuDNN missing): the model opens on
            // the CPU, so the failure was CUDA's; every later session goes to the CPU too.
            SwitchToCpu($"CUDA loaded but could not run: {FirstLine(error.Message)}");
            return Open(component, path);
        }
        catch (OnnxRuntimeException error) when (error.Message.Contains("Protobuf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"{component} is not a valid ONNX model (truncated or corrupt file?): {FirstLine(error.Message)}", error);
        }
        catch (OnnxRuntimeException error)
        {
            // e.g. external weights (weights.pb, model.onnx_data) missing beside the graph, or an operator this runtime lacks.
            throw new ModelLoadException($"{component} could not be opened by ONNX Runtime: {FirstLine(error.Message)}", error);
        }
    }

    public void Dispose()
    {
        sessionOptions.Dispose();
        unetSessionOptions?.Dispose();
    }

    /// <summary>The UNet gets options of its own on CUDA when CUDA graphs are on; every other graph shares one set.</summary>
    private SessionOptions OptionsFor(string component)
    {
        if (ExecutionProvider != "CUDA" || !options.EnableCudaGraph || !CudaProviderSettings.IsUnet(component))
        {
            return sessionOptions;
        }
        unetSessionOptions ??= TryCudaOptions(component).Options;
        return unetSessionOptions ?? sessionOptions;
    }

    private (SessionOptions, string, string) CudaOrThrow()
    {
        var (cuda, failure) = TryCudaOptions();
        return cuda is null
            ? throw new ModelLoadException($"Inference:ExecutionProvider is cuda but CUDA could not load: {failure}")
            : (cuda, "CUDA", $"Inference:ExecutionProvider is cuda (device {options.CudaDeviceId})");
    }

    private (SessionOptions, string, string) CudaOrCpu()
    {
        var (cuda, failure) = TryCudaOptions();
        return cuda is null
            ? (CpuOptions(), "CPU", $"CUDA could not load: {failure}")
            : (cuda, "CUDA", $"CUDA loaded (device {options.CudaDeviceId})");
    }

    private (SessionOptions? Options, string? Failure) TryCudaOptions(string component = "")
    {
        var sessionOptions = CpuOptions();
        try
        {
            using var cuda = CudaOptions(component);
            sessionOptions.AppendExecutionProvider_CUDA(cuda);
            return (sessionOptions, null);
        }
        catch (Exception error) when (error is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            sessionOptions.Dispose();
            return (null, LoadFailure(error.Message));
        }
    }

    /// <summary>The provider options for <paramref name="component"/>; throws where the CUDA provider cannot load.</summary>
    private OrtCUDAProviderOptions CudaOptions(string component)
    {
        var cuda = new OrtCUDAProviderOptions();
        try
        {
            cuda.UpdateOptions(CudaProviderSettings.For(options, component).Options.ToDictionary());
            return cuda;
        }
        catch
        {
            cuda.Dispose();
            throw;
        }
    }

    private bool TryCpu(string path)
    {
        try
        {
            using var cpu = CpuOptions();
            using var session = new InferenceSession(path, cpu);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    private void SwitchToCpu(string reason)
    {
        sessionOptions.Dispose();
        sessionOptions = CpuOptions();
        (ExecutionProvider, Reason) = ("CPU", reason);
        OnnxLog.ProviderChosen(logger, ExecutionProvider, Reason);
    }

    private SessionOptions CpuOptions()
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        ThreadSettings.For(options).ApplyTo(sessionOptions);
        return sessionOptions;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>ORT's provider_bridge message ends "… with error: libcublasLt.so.13: cannot open shared object file"; keep that part.</summary>
    private static string LoadFailure(string message)
    {
        var line = FirstLine(message);
        var cause = line.LastIndexOf("with error: ", StringComparison.Ordinal);
        return cause >= 0 ? line[(cause + "with error: ".Length)..] : line;
    }
}
