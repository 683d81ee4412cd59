using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StableDiffusion.Inference.Onnx;

/// <summary>
/// Builds input tensors in whatever element type a model declares and reads outputs back as float.
/// ONNX Runtime's C# API rejects System.Half, so fp16 goes through its own Float16 struct, which has the
/// same bits: the spans are reinterpreted, not copied.
/// </summary>
internal static class OrtTensors
{
    /// <summary>The element types of a graph's float tensors: fp32 and fp16 exports.</summary>
    public static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];

    public static OrtValue FromFloats(TensorElementType elementType, ReadOnlySpan<float> values, long[] shape)
    {
        switch (elementType)
        {
            case TensorElementType.Float:
                return OrtValue.CreateTensorValueFromMemory(values.ToArray(), shape);
            case TensorElementType.Float16:
                var halves = new Half[values.Length];
                TensorPrimitives.ConvertToHalf(values, halves);
                return OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<Half, Float16>(halves).ToArray(), shape);
            case TensorElementType.Double:
                var doubles = new double[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    doubles[i] = values[i];
                }
                return OrtValue.CreateTensorValueFromMemory(doubles, shape);
            default:
                throw new NotSupportedException($"Element type {elementType} is not a supported floating-point input.");
        }
    }

    public static OrtValue FromDoubles(TensorElementType elementType, ReadOnlySpan<double> values, long[] shape)
    {
        var floats = new float[values.Length];
        Narrow(values, floats);
        // The array is this call's own, so fp32 wraps it rather than copying it again.
        return elementType == TensorElementType.Float ? OrtValue.CreateTensorValueFromMemory(floats, shape) : FromFloats(elementType, floats, shape);
    }

    /// <summary>
    /// The first <paramref name="length"/> floats of a pooled buffer as a tensor of <paramref name="elementType"/>: fp32
    /// wraps the buffer (the caller returns it to the pool after disposing the value), fp16 and double convert.
    /// </summary>
    public static OrtValue FromPooledFloats(TensorElementType elementType, float[] buffer, int length, long[] shape) => elementType == TensorElementType.Float
        ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(buffer, 0, length), shape)
        : FromFloats(elementType, buffer.AsSpan(0, length), shape);

    /// <summary>Latents (double) to float, as <c>(float)x</c> one by one (the vectors round to nearest as the cast does).</summary>
    public static void Narrow(ReadOnlySpan<double> values, Span<float> destination) =>
        TensorPrimitives.ConvertTruncating(values, destination[..values.Length]);

    /// <summary>An fp32 output read where ONNX Runtime left it (valid while the value lives); other types converted.</summary>
    public static ReadOnlySpan<float> AsFloats(OrtValue value) =>
        value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float ? value.GetTensorDataAsSpan<float>() : ToFloats(value);

    public static OrtValue FromIds(TensorElementType elementType, ReadOnlySpan<int> ids, long[] shape) => elementType switch
    {
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(ids.ToArray(), shape),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(ToLongs(ids), shape),
        _ => throw new NotSupportedException($"Element type {elementType} is not a supported token id input."),
    };

    public static float[] ToFloats(OrtValue value)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        switch (type)
        {
            case TensorElementType.Float:
                return value.GetTensorDataAsSpan<float>().ToArray();
            case TensorElementType.Float16:
                var halves = MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>());
                var floats = new float[halves.Length];
                TensorPrimitives.ConvertToSingle(halves, floats);
                return floats;
            case TensorElementType.Double:
                var doubles = value.GetTensorDataAsSpan<double>();
                var narrowed = new float[doubles.Length];
                for (var i = 0; i < doubles.Length; i++)
                {
                    narrowed[i] = (float)doubles[i];
                }
                return narrowed;
            default:
                throw new NotSupportedException($"Element type {type} is not a supported floating-point output.");
        }
    }

    public static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    private static long[] ToLongs(ReadOnlySpan<int> ids)
    {
        var longs = new long[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            longs[i] = ids[i];
        }
        return longs;
    }
}
