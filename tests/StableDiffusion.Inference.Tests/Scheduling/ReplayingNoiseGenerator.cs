using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Tests.Scheduling;

/// <summary>Hands out exactly the noise tensors a reference step consumed, and counts the draws.</summary>
internal sealed class ReplayingNoiseGenerator(params double[][] draws) : INoiseGenerator
{
    private readonly Queue<double[]> pending = new(draws);

    public int Draws { get; private set; }

    public bool IsExhausted => pending.Count == 0;

    public void Fill(Span<float> destination)
    {
        if (!pending.TryDequeue(out var next))
        {
            throw new InvalidOperationException("The scheduler drew noise where the reference drew none.");
        }

        Assert.Equal(next.Length, destination.Length);
        for (var i = 0; i < next.Length; i++)
        {
            destination[i] = (float)next[i];
        }

        Draws++;
    }
}
