using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Onnx;

/// <summary>One opened sub-model: its session (created once, reused for every call) and its declared tensors.</summary>
/// <param name="Name">The folder name: text_encoder, unet, vae_decoder or vae_encoder.</param>
/// <param name="File">Path relative to the model folder, for messages.</param>
internal sealed class OnnxComponent(string name, string file, InferenceSession session) : IDisposable
{
    public string Name => name;

    public string File => file;

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => session.OutputMetadata;

    public ComponentSignature Signature => new(
        name,
        file,
        [.. session.InputMetadata.Select(i => OnnxNames.Signature(i.Key, i.Value))],
        [.. session.OutputMetadata.Select(o => OnnxNames.Signature(o.Key, o.Value))]);

    /// <summary>The named input, which must be a tensor of one of the <paramref name="allowed"/> element types.</summary>
    public NodeMetadata Input(string inputName, params TensorElementType[] allowed) =>
        Require(session.InputMetadata, "input", inputName, allowed);

    public NodeMetadata Output(string outputName, params TensorElementType[] allowed) =>
        Require(session.OutputMetadata, "output", outputName, allowed);

    /// <summary>Inputs the graph needs that this pipeline does not know how to feed (SDXL's text_embeds, LCM's timestep_cond…).</summary>
    public void RejectInputsOtherThan(params string[] known)
    {
        var unknown = session.InputMetadata.Keys.Except(known).ToArray();
        if (unknown.Length > 0)
        {
            throw new ModelLoadException($"{file} needs inputs this pipeline cannot provide: {string.Join(", ", unknown)} (only Stable Diffusion 1.x/2.x UNets are supported).");
        }
    }

    /// <summary>One static dimension, or null when the graph leaves it dynamic.</summary>
    public static int? StaticDimension(NodeMetadata metadata, int axis) =>
        metadata.Dimensions.Length > axis && metadata.Dimensions[axis] > 0 ? metadata.Dimensions[axis] : null;

    /// <summary>
    /// Runs the graph for one output. Cancelling the token sets <see cref="RunOptions.Terminate"/>, which stops the call in
    /// flight; the <see cref="OnnxRuntimeException"/> a stopped call ends with surfaces as cancellation, not as a model error.
    /// </summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyDictionary<string, OrtValue> inputs, string outputName, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        using var terminate = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            return session.Run(runOptions, inputs, [outputName]);
        }
        catch (OnnxRuntimeException error) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"Generation was cancelled during a {name} call.", error, cancellationToken);
        }
    }

    /// <summary>A binding of this graph's inputs and outputs to fixed buffers (<see cref="UnetIoBinding"/>).</summary>
    public OrtIoBinding CreateIoBinding() => session.CreateIoBinding();

    /// <summary>Allocates on <paramref name="memory"/> (the CUDA device, or the CPU) through this session's allocator.</summary>
    public OrtAllocator Allocator(OrtMemoryInfo memory) => new(session, memory);

    /// <summary>Runs on bound buffers; cancellation as <see cref="Run"/>. <paramref name="graphId"/> names a CUDA graph (ignored without them).</summary>
    public void RunWithBinding(OrtIoBinding binding, int? graphId, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        if (graphId is { } id)
        {
            // onnxruntime_run_options_config_keys.h: one captured graph per id, so each image size keeps its own.
            runOptions.AddRunConfigEntry("gpu_graph_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var terminate = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            session.RunWithBinding(runOptions, binding);
        }
        catch (OnnxRuntimeException error) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"Generation was cancelled during a {name} call.", error, cancellationToken);
        }
    }

    public void Dispose() => session.Dispose();

    private NodeMetadata Require(IReadOnlyDictionary<string, NodeMetadata> declared, string kind, string tensorName, TensorElementType[] allowed)
    {
        if (!declared.TryGetValue(tensorName, out var metadata))
        {
            throw new ModelLoadException($"{file} has no {kind} '{tensorName}' (it declares: {string.Join(", ", declared.Keys)}).");
        }
        if (!metadata.IsTensor || (allowed.Length > 0 && !allowed.Contains(metadata.ElementDataType)))
        {
            var found = metadata.IsTensor ? OnnxNames.Of(metadata.ElementDataType) : metadata.OnnxValueType.ToString();
            throw new ModelLoadException($"{file} {kind} '{tensorName}' is {found}; expected {string.Join(" or ", allowed.Select(OnnxNames.Of))}.");
        }
        return metadata;
    }
}
