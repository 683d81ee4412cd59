using System.Globalization;
using System.Text;
using BitFaster.Caching.Lru;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Inference.Tokenization;

namespace StableDiffusion.Inference.Components;

/// <summary>
/// The CLIP text encoder (text_encoder/model.onnx): token ids in, one hidden state per token out. A weighted prompt's
/// encoding is remembered (a small LRU per model), so a seed grid, an X/Y comparison or queued jobs that share a prompt
/// or a negative prompt run the encoder once for it.
/// </summary>
public sealed class TextEncoder
{
    /// <summary>Distinct prompts kept: a 16-seed grid needs two, an X/Y grid of prompts a handful; SD 1.5's are 236 KB per chunk.</summary>
    public const int CachedPrompts = 64;

    private readonly ConcurrentLru<string, TextEmbeddings> encoded = new(CachedPrompts);
    private long calls;

    internal TextEncoder(OnnxComponent graph)
    {
        Graph = graph;
        InputIdsType = graph.Input("input_ids", TensorElementType.Int32, TensorElementType.Int64).ElementDataType;
        graph.Output("last_hidden_state", OrtTensors.FloatTypes);
    }

    internal OnnxComponent Graph { get; }

    /// <summary>int32 or int64, whichever the export declares.</summary>
    internal TensorElementType InputIdsType { get; }

    /// <summary>ONNX Runtime calls made to the text encoder since the model loaded: one per chunk not found in the cache.</summary>
    public long Calls => Interlocked.Read(ref calls);

    /// <summary>[1, n] token ids (bos, prompt, eos, padding) → last_hidden_state [1, n, hidden size].</summary>
    public TextEmbeddings Encode(int[] ids, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        using var input = OrtTensors.FromIds(InputIdsType, ids, [1, ids.Length]);
        using var outputs = Graph.Run(new Dictionary<string, OrtValue> { ["input_ids"] = input }, "last_hidden_state", cancellationToken);
        var shape = OrtTensors.Shape(outputs[0]);
        return new TextEmbeddings(OrtTensors.ToFloats(outputs[0]), (int)shape[1], (int)shape[2]);
    }

    /// <summary>
    /// Every chunk of a prompt through the encoder on its own (its own bos, eos and positions 0–76), its weights applied
    /// by <paramref name="emphasis"/>, and the chunks' hidden states concatenated along the sequence axis:
    /// [1, 77·chunks, hidden size], as A1111's <c>torch.hstack</c> of its per-chunk <c>process_tokens</c>.
    /// </summary>
    /// <param name="padId">
    /// The tokenizer's pad id: when it is not eos (SD 2.x pads with 0), every position after the first eos takes it, as
    /// A1111 does for OpenCLIP.
    /// </param>
    /// <remarks>
    /// Remembered by what the encoder reads (every chunk's tokens and weights, the emphasis mode and the pad id), so the
    /// same text under another emphasis mode, or another model, is encoded anew. The result is shared: callers copy, never write.
    /// </remarks>
    public TextEmbeddings Encode(WeightedPrompt prompt, EmphasisMode emphasis, int padId, CancellationToken cancellationToken) =>
        encoded.TryGet(CacheKey(prompt, emphasis, padId), out var cached) ? cached : Remember(prompt, emphasis, padId, cancellationToken);

    private TextEmbeddings Remember(WeightedPrompt prompt, EmphasisMode emphasis, int padId, CancellationToken cancellationToken)
    {
        var embeddings = EncodeChunks(prompt, emphasis, padId, cancellationToken);
        encoded.AddOrUpdate(CacheKey(prompt, emphasis, padId), embeddings);
        return embeddings;
    }

    private static string CacheKey(WeightedPrompt prompt, EmphasisMode emphasis, int padId)
    {
        var key = new StringBuilder().Append(emphasis).Append('|').Append(padId);
        foreach (var chunk in prompt.Chunks)
        {
            key.Append('|').AppendJoin(',', chunk.Tokens).Append(':');
            key.AppendJoin(',', chunk.Multipliers.Select(m => m.ToString("R", CultureInfo.InvariantCulture)));
        }
        return key.ToString();
    }

    private TextEmbeddings EncodeChunks(WeightedPrompt prompt, EmphasisMode emphasis, int padId, CancellationToken cancellationToken)
    {
        float[]? values = null;
        var hiddenSize = 0;
        for (var i = 0; i < prompt.Chunks.Count; i++)
        {
            var chunk = prompt.Chunks[i];
            var ids = (int[])chunk.Tokens.Clone();
            if (padId != ClipTokenizer.EosId)
            {
                Array.Fill(ids, padId, Array.IndexOf(ids, ClipTokenizer.EosId) + 1, ids.Length - Array.IndexOf(ids, ClipTokenizer.EosId) - 1);
            }

            var encoded = Encode(ids, cancellationToken);
            hiddenSize = encoded.HiddenSize;
            values ??= new float[prompt.Chunks.Count * encoded.Values.Length];
            var target = values.AsSpan(i * encoded.Values.Length, encoded.Values.Length);
            encoded.Values.CopyTo(target);
            Emphasis.Apply(target, chunk.Multipliers, emphasis);
        }

        return new TextEmbeddings(values!, prompt.Chunks.Count * PromptChunk.Length, hiddenSize);
    }
}
