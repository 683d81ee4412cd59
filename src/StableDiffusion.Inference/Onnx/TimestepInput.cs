using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// How a UNet takes its timestep: exporters disagree on both type and rank (int64 [batch] from early diffusers and
/// optimum ≤ 1.23, float32/float16 [batch] from the later diffusers script and Olive, a float scalar from optimum ≥ 1.24).
/// </summary>
/// <param name="Rank">0 for a scalar, 1 for a vector.</param>
/// <param name="FixedLength">The vector's length when the graph fixes it (1 for <c>[1]</c>), else null (<c>[batch]</c>).</param>
internal sealed record TimestepInput(TensorElementType ElementType, int Rank, int? FixedLength)
{
    public static TimestepInput From(NodeMetadata metadata)
    {
        var dimensions = metadata.Dimensions;
        int? fixedLength = dimensions.Length == 1 && dimensions[0] > 0 ? dimensions[0] : null;
        return new TimestepInput(metadata.ElementDataType, dimensions.Length, fixedLength);
    }

    /// <summary>The timestep for a UNet call on <paramref name="batch"/> samples.</summary>
    public OrtValue Create(double timestep, int batch)
    {
        var shape = Rank == 0 ? Array.Empty<long>() : [FixedLength ?? batch];
        var count = Rank == 0 ? 1 : (int)shape[0];
        switch (ElementType)
        {
            // diffusers' ONNX pipeline builds np.array([t], dtype=timestep_dtype): numpy truncates a fractional
            // (Euler/LMS linspace) timestep toward zero for integer models, so this does too.
            case TensorElementType.Int64:
                return OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat((long)timestep, count).ToArray(), shape);
            case TensorElementType.Int32:
                return OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat((int)timestep, count).ToArray(), shape);
            default:
                return OrtTensors.FromFloats(ElementType, Enumerable.Repeat((float)timestep, count).ToArray(), shape);
        }
    }

    public override string ToString() => $"{OnnxNames.Of(ElementType)} {(Rank == 0 ? "[]" : FixedLength is { } n ? $"[{n}]" : "[batch]")}";
}
