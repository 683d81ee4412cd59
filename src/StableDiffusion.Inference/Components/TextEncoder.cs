using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Onnx;

namespace StableDiffusion.Inference.Components;

/// <summary>The CLIP text encoder (text_encoder/model.onnx): token ids in, one hidden state per token out.</summary>
public sealed class TextEncoder
{
    internal TextEncoder(OnnxComponent graph)
    {
        Graph = graph;
        InputIdsType = graph.Input("input_ids", TensorElementType.Int32, TensorElementType.Int64).ElementDataType;
        graph.Output("last_hidden_state", OrtTensors.FloatTypes);
    }

    internal OnnxComponent Graph { get; }

    /// <summary>int32 or int64, whichever the export declares.</summary>
    internal TensorElementType InputIdsType { get; }

    /// <summary>[1, n] token ids (bos, prompt, eos, padding) → last_hidden_state [1, n, hidden size].</summary>
    public TextEmbeddings Encode(int[] ids, CancellationToken cancellationToken)
    {
        using var input = OrtTensors.FromIds(InputIdsType, ids, [1, ids.Length]);
        using var outputs = Graph.Run(new Dictionary<string, OrtValue> { ["input_ids"] = input }, "last_hidden_state", cancellationToken);
        var shape = OrtTensors.Shape(outputs[0]);
        return new TextEmbeddings(OrtTensors.ToFloats(outputs[0]), (int)shape[1], (int)shape[2]);
    }
}
