using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace StableDiffusion.Inference.Clip;

/// <summary>
/// CLIP embeddings as unit vectors, so cosine similarity is a dot product, and their bytes as stored (float32,
/// little-endian, one after another).
/// </summary>
public static class ClipVectors
{
    /// <summary>Divides by the L2 norm in place, as CLIP's <c>x / x.norm(dim=-1, keepdim=True)</c>.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] FromBytes(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    /// <summary>
    /// Cosine similarity of <paramref name="query"/> with each row of <paramref name="rows"/> (unit vectors of the query's
    /// length, back to back), written to <paramref name="scores"/>: one SIMD dot product per row, no index.
    /// </summary>
    public static void Similarities(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, Span<float> scores)
    {
        var dimension = query.Length;
        if (dimension == 0 || rows.Length != scores.Length * dimension)
        {
            throw new ArgumentException($"Expected {scores.Length} rows of {dimension} values, got {rows.Length} values.", nameof(rows));
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(query, rows.Slice(i * dimension, dimension));
        }
    }

    /// <summary>The indices of the <paramref name="count"/> highest scores, highest first (ties by index).</summary>
    public static int[] Top(ReadOnlySpan<float> scores, int count)
    {
        var order = new PriorityQueue<int, (float Score, int Index)>(Comparer<(float Score, int Index)>.Create(
            (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index)));
        for (var i = 0; i < scores.Length; i++)
        {
            if (order.Count < count)
            {
                order.Enqueue(i, (scores[i], i));
            }
            else if (count > 0)
            {
                order.EnqueueDequeue(i, (scores[i], i));
            }
        }

        var top = new int[order.Count];
        for (var i = top.Length - 1; i >= 0; i--)
        {
            top[i] = order.Dequeue();
        }

        return top;
    }
}
