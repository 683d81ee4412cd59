namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Which loop iteration is due next (diffusers' <c>_step_index</c>). Steps carry their index explicitly, so
/// this only guards the multistep state: an out-of-order call would silently mix up the history.
/// </summary>
internal sealed class StepCursor
{
    private int next;

    public int Count { get; private set; }

    public void Reset(int count)
    {
        Count = count;
        next = 0;
    }

    public void Begin(int beginIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beginIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(beginIndex, Count);
        next = beginIndex;
    }

    public void Check(int stepIndex)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("SetTimesteps must be called before stepping.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(stepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stepIndex, Count);
    }

    public void Advance(int stepIndex)
    {
        Check(stepIndex);
        if (stepIndex != next)
        {
            throw new InvalidOperationException($"Loop iteration {next} is due, but step {stepIndex} was requested; steps must run in order from the begin index.");
        }

        next++;
    }
}
