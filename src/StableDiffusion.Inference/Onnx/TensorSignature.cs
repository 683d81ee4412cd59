namespace StableDiffusion.Inference.Onnx;

/// <summary>One declared input or output of an ONNX graph, as its metadata states it.</summary>
/// <param name="ElementType">ONNX element type name: float, float16, int32, int64…</param>
/// <param name="Shape">Each dimension as a number, or its symbolic name when dynamic; empty for a scalar.</param>
public sealed record TensorSignature(string Name, string ElementType, IReadOnlyList<string> Shape)
{
    public override string ToString() => $"{Name}: {ElementType} [{string.Join(", ", Shape)}]";
}
