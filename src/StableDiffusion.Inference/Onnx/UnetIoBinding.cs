using Microsoft.ML.OnnxRuntime;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// The UNet's inputs and output bound once per shape (IOBinding), for the CUDA provider. Binding a host value copies it
/// to the device at bind time, so the text embeddings, the largest input, are copied once per generation instead of once
/// per step; the sample and timestep are bound each step, and the output lands in a host buffer kept per shape. The
/// latents go back to the host every step because the schedulers run there, in double.
/// With CUDA graphs (<c>enable_cuda_graph</c>) every input must stay at one device address: the inputs then live in device
/// buffers filled with <see cref="OrtEnv.CopyTensors"/>, and each shape replays its own graph (<c>gpu_graph_id</c>).
/// On the CPU the binding runs the same way on host buffers, which is how it is tested.
/// </summary>
internal sealed class UnetIoBinding(OnnxComponent graph, OrtMemoryInfo device, bool cudaGraph) : IDisposable
{
    private readonly OrtAllocator allocator = graph.Allocator(device);
    private readonly Dictionary<string, Buffers> byShape = [];

    /// <summary>The CUDA device's memory, for <see cref="InferenceOptions.CudaDeviceId"/>.</summary>
    public static OrtMemoryInfo CudaMemory(int deviceId) =>
        new(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.Default);

    /// <summary>
    /// One UNet call on host <paramref name="sample"/> and <paramref name="timestep"/>. The returned host value belongs to
    /// the binding and holds the output until the next call of the same shape.
    /// </summary>
    public OrtValue Run(OrtValue sample, OrtValue timestep, OrtValue encoderHiddenStates, CancellationToken cancellationToken)
    {
        var buffers = For(sample, timestep, encoderHiddenStates);
        var newStates = !ReferenceEquals(buffers.States, encoderHiddenStates);
        if (cudaGraph)
        {
            var (sources, targets) = (new List<OrtValue> { sample, timestep }, new List<OrtValue> { buffers.Device!.Sample, buffers.Device.Timestep });
            if (newStates)
            {
                (sources, targets) = ([.. sources, encoderHiddenStates], [.. targets, buffers.Device.States]);
            }
            Copy(sources, targets);
        }
        else
        {
            buffers.Binding.BindInput("sample", sample);
            buffers.Binding.BindInput("timestep", timestep);
            if (newStates)
            {
                buffers.Binding.BindInput("encoder_hidden_states", encoderHiddenStates);
            }
        }
        buffers.States = encoderHiddenStates;
        graph.RunWithBinding(buffers.Binding, cudaGraph ? buffers.GraphId : null, cancellationToken);
        buffers.Binding.SynchronizeBoundOutputs();
        if (cudaGraph)
        {
            Copy([buffers.Device!.Output], [buffers.Output]);
        }
        return buffers.Output;
    }

    public void Dispose()
    {
        foreach (var buffers in byShape.Values)
        {
            buffers.Dispose();
        }
        allocator.Dispose();
    }

    private static void Copy(IReadOnlyList<OrtValue> sources, IReadOnlyList<OrtValue> targets)
    {
        try
        {
            OrtEnv.Instance().CopyTensors(sources, targets, null);
        }
        catch (OnnxRuntimeException error)
        {
            throw new InvalidOperationException("Inference:EnableCudaGraph needs ONNX Runtime to copy into fixed device buffers, which this " +
                $"execution provider does not offer ({error.Message.Split('\n')[0]}); turn it off.", error);
        }
    }

    private Buffers For(OrtValue sample, OrtValue timestep, OrtValue states)
    {
        var (sampleInfo, timestepInfo, statesInfo) = (sample.GetTensorTypeAndShape(), timestep.GetTensorTypeAndShape(), states.GetTensorTypeAndShape());
        var key = string.Join(';', sampleInfo.ElementDataType, string.Join(',', sampleInfo.Shape), timestepInfo.ElementDataType,
            string.Join(',', timestepInfo.Shape), statesInfo.ElementDataType, string.Join(',', statesInfo.Shape));
        if (byShape.TryGetValue(key, out var buffers))
        {
            return buffers;
        }

        var output = graph.Outputs["out_sample"];
        // The output has the sample's batch, height and width and the latent's channels (4, also for a 9-channel inpainting UNet).
        long[] outputShape = [sampleInfo.Shape[0], OnnxComponent.StaticDimension(output, 1) ?? 4, sampleInfo.Shape[2], sampleInfo.Shape[3]];
        var binding = graph.CreateIoBinding();
        var hostOutput = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, output.ElementDataType, outputShape);
        DeviceBuffers? device = null;
        if (cudaGraph)
        {
            device = new DeviceBuffers(
                OrtValue.CreateAllocatedTensorValue(allocator, sampleInfo.ElementDataType, sampleInfo.Shape),
                OrtValue.CreateAllocatedTensorValue(allocator, timestepInfo.ElementDataType, timestepInfo.Shape),
                OrtValue.CreateAllocatedTensorValue(allocator, statesInfo.ElementDataType, statesInfo.Shape),
                OrtValue.CreateAllocatedTensorValue(allocator, output.ElementDataType, outputShape));
            binding.BindInput("sample", device.Sample);
            binding.BindInput("timestep", device.Timestep);
            binding.BindInput("encoder_hidden_states", device.States);
        }
        binding.BindOutput("out_sample", device?.Output ?? hostOutput);
        buffers = new Buffers(binding, byShape.Count, hostOutput, device);
        byShape.Add(key, buffers);
        return buffers;
    }

    /// <summary>One shape's binding, its host output, and for CUDA graphs its fixed device buffers.</summary>
    private sealed class Buffers(OrtIoBinding binding, int graphId, OrtValue output, DeviceBuffers? device) : IDisposable
    {
        public OrtIoBinding Binding => binding;

        public int GraphId => graphId;

        public OrtValue Output => output;

        public DeviceBuffers? Device => device;

        /// <summary>The host embeddings last bound or copied: a new generation brings new ones.</summary>
        public OrtValue? States { get; set; }

        public void Dispose()
        {
            binding.Dispose();
            output.Dispose();
            device?.Dispose();
        }
    }

    private sealed record DeviceBuffers(OrtValue Sample, OrtValue Timestep, OrtValue States, OrtValue Output) : IDisposable
    {
        public void Dispose()
        {
            Sample.Dispose();
            Timestep.Dispose();
            States.Dispose();
            Output.Dispose();
        }
    }
}
