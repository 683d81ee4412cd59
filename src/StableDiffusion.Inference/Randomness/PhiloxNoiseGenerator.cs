namespace StableDiffusion.Inference.Randomness;

/// <summary>
/// torch.randn on a CUDA device, reproduced on the CPU as AUTOMATIC1111's modules/rng_philox.py does ("NV" source):
/// value i of call k comes from Philox4x32-10 with counter (k, 0, i, 0) and the 64-bit seed as key.
/// </summary>
internal sealed class PhiloxNoiseGenerator(long seed) : INoiseGenerator
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    // rng_philox.py keeps these as float32 and lets numpy widen the arithmetic to float64.
    private const double TwoPow32Inv = (double)2.3283064e-10f;
    private const double TwoPow32Inv2Pi = (double)(float)(2.3283064e-10 * 6.2831855);

    private readonly uint keyLow = (uint)seed;
    private readonly uint keyHigh = (uint)((ulong)seed >> 32);
    private uint offset;

    public void Fill(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var (x, y) = Philox(offset, (uint)i);
            destination[i] = BoxMuller(x, y);
        }

        offset++;
    }

    /// <summary>Ten Philox rounds; only the first two output words are used, as rng_philox.py discards the rest.</summary>
    private (uint, uint) Philox(uint offset, uint index)
    {
        uint c0 = offset, c1 = 0, c2 = index, c3 = 0;
        uint k0 = keyLow, k1 = keyHigh;
        for (var round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            var p0 = (ulong)c0 * M0;
            var p1 = (ulong)c2 * M1;
            c0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            c1 = (uint)p1;
            c2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c3 = (uint)p0;
        }

        return (c0, c1);
    }

    /// <summary>rng_philox.py box_muller: the first of the two values, sqrt(-2 ln u) * sin(v).</summary>
    private static float BoxMuller(uint x, uint y)
    {
        var u = x * TwoPow32Inv + TwoPow32Inv / 2;
        var v = y * TwoPow32Inv2Pi + TwoPow32Inv2Pi / 2;
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Sin(v));
    }
}
