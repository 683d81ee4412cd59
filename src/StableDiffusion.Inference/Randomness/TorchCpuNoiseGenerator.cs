namespace StableDiffusion.Inference.Randomness;

/// <summary>
/// torch.randn on a CPU generator seeded with torch.manual_seed, as PyTorch's normal_kernel
/// (aten/src/ATen/native/cpu/DistributionTemplates.h, DistributionsHelper.h, TransformationHelper.h).
/// </summary>
internal sealed class TorchCpuNoiseGenerator(long seed) : INoiseGenerator
{
    private const int Chunk = 16;

    private readonly Mt19937 engine = new(seed);

    // CPUGeneratorImpl::next_double_normal_sample: the second Box-Muller value of the scalar path, kept for the next call.
    private double? nextDoubleNormal;

    public void Fill(Span<float> destination)
    {
        if (destination.Length >= Chunk)
        {
            NormalFill(destination);
        }
        else
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)NextDoubleNormal();
            }
        }
    }

    /// <summary>
    /// normal_fill: uniforms for every value first, then Box-Muller over blocks of 16 pairing i with i + 8; when the
    /// length is not a multiple of 16 the last 16 values are drawn afresh and transformed again.
    /// </summary>
    private void NormalFill(Span<float> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = NextFloatUniform();
        }

        for (var i = 0; i + Chunk <= data.Length; i += Chunk)
        {
            NormalFill16(data.Slice(i, Chunk));
        }

        if (data.Length % Chunk != 0)
        {
            var tail = data[^Chunk..];
            for (var i = 0; i < Chunk; i++)
            {
                tail[i] = NextFloatUniform();
            }

            NormalFill16(tail);
        }
    }

    private static void NormalFill16(Span<float> data)
    {
        for (var j = 0; j < Chunk / 2; j++)
        {
            var u1 = 1 - data[j]; // [0, 1) -> (0, 1] for log.
            var u2 = data[j + Chunk / 2];
            var radius = MathF.Sqrt(-2 * MathF.Log(u1));
            var theta = (float)(2.0f * Math.PI * u2);
            data[j] = radius * MathF.Cos(theta);
            data[j + Chunk / 2] = radius * MathF.Sin(theta);
        }
    }

    /// <summary>at::normal_distribution&lt;double&gt;: two 53-bit uniforms, cos now and sin cached for the next value.</summary>
    private double NextDoubleNormal()
    {
        if (nextDoubleNormal is { } cached)
        {
            nextDoubleNormal = null;
            return cached;
        }

        var u1 = NextDoubleUniform();
        var u2 = NextDoubleUniform();
        var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        var theta = 2.0 * Math.PI * u1;
        nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary>uniform_real&lt;float&gt;: the low 24 bits of one 32-bit draw, times 2^-24.</summary>
    private float NextFloatUniform() => (engine.NextUInt32() & ((1u << 24) - 1)) * (1.0f / (1 << 24));

    /// <summary>uniform_real&lt;double&gt;: random64() = first draw in the high word, second in the low; 53 bits, times 2^-53.</summary>
    private double NextDoubleUniform()
    {
        var hi = (ulong)engine.NextUInt32();
        var lo = (ulong)engine.NextUInt32();
        return (((hi << 32) | lo) & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));
    }
}
