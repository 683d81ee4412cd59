namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// A1111's Skip (<c>state.skipped</c>): ends the batch being denoised early and goes on with the next. As in A1111,
/// the skipped batch's images are decoded from the last step's prediction of the clean image and kept, and a request
/// counts for the batch it arrives in (each batch after the first starts with it cleared). Safe to request from any thread.
/// </summary>
public sealed class SkipSignal
{
    private int requested;

    public void Request() => Volatile.Write(ref requested, 1);

    /// <summary>Whether a skip was requested since the batch began.</summary>
    public bool IsRequested => Volatile.Read(ref requested) == 1;

    /// <summary>Called by the generator as each batch begins.</summary>
    public void Clear() => Volatile.Write(ref requested, 0);
}
