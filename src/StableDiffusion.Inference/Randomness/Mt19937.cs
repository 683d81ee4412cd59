namespace StableDiffusion.Inference.Randomness;

/// <summary>The 32-bit Mersenne Twister as PyTorch's CPU generator (aten/src/ATen/core/MT19937RNGEngine.h).</summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DF;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7FFFFFFF;

    private readonly uint[] state = new uint[N];
    private int index;

    /// <summary>torch.manual_seed keeps the low 32 bits of the seed (init_with_uint32).</summary>
    public Mt19937(long seed)
    {
        state[0] = (uint)seed;
        for (var j = 1; j < N; j++)
        {
            state[j] = 1812433253u * (state[j - 1] ^ (state[j - 1] >> 30)) + (uint)j;
        }

        index = N;
    }

    public uint NextUInt32()
    {
        if (index >= N)
        {
            Twist();
        }

        var y = state[index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (state[i] & UpperMask) | (state[(i + 1) % N] & LowerMask);
            state[i] = state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }

        index = 0;
    }
}
