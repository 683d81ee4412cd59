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

    /// <summary>The next 624 words of state: the reference's loop over i with (i + 1) % N and (i + M) % N, cut where the
    /// indices wrap so no word needs a modulo (a 512² image's noise twists 26 times).</summary>
    private void Twist()
    {
        for (var i = 0; i < N - M; i++)
        {
            state[i] = Next(state[i + M], state[i], state[i + 1]);
        }
        for (var i = N - M; i < N - 1; i++)
        {
            state[i] = Next(state[i + M - N], state[i], state[i + 1]);
        }
        state[N - 1] = Next(state[M - 1], state[N - 1], state[0]);

        index = 0;
    }

    private static uint Next(uint far, uint current, uint following)
    {
        var y = (current & UpperMask) | (following & LowerMask);
        return far ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
    }
}
