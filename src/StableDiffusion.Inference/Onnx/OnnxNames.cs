using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StableDiffusion.Inference.Onnx;

/// <summary>ONNX's own spelling of element types and shapes, for messages and <c>sd info</c>.</summary>
internal static class OnnxNames
{
    public static string Of(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "double",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };

    public static TensorSignature Signature(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            return new TensorSignature(name, metadata.OnnxValueType.ToString(), []);
        }
        var shape = metadata.Dimensions
            .Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.IsNullOrEmpty(metadata.SymbolicDimensions[i]) ? "?" : metadata.SymbolicDimensions[i])
            .ToArray();
        return new TensorSignature(name, Of(metadata.ElementDataType), shape);
    }
}
