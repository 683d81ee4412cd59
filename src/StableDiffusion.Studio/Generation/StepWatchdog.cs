namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Cancels a run that goes longer than its timeout without a step: a hung CUDA kernel or a deadlocked provider would
/// otherwise hold the worker, and every job behind it, for ever. It cancels through the job's own token, the way
/// Cancel does, so the pipeline and ONNX Runtime stop the same way; <see cref="Fired"/> tells the worker that it was
/// this and not a user. A call that ignores even that (a native call stuck inside one kernel) is given up on after a
/// second timeout: <see cref="GivenUp"/> lets the worker stop waiting for it and go on with the queue.
/// </summary>
public sealed class StepWatchdog : IDisposable
{
    private readonly CancellationTokenSource run;
    private readonly TimeSpan timeout;
    private readonly Timer timer;
    private readonly CancellationTokenSource givenUp = new();
    private volatile bool fired;

    public StepWatchdog(CancellationTokenSource run, TimeSpan timeout)
    {
        this.run = run;
        this.timeout = timeout;
        timer = new Timer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool Fired => fired;

    /// <summary>Cancelled one more timeout after <see cref="Fired"/>, if the run has still not stopped.</summary>
    public CancellationToken GivenUp => givenUp.Token;

    /// <summary>Starts the wait for the next step over.</summary>
    public void Restart() => timer.Change(timeout, Timeout.InfiniteTimeSpan);

    public void Stop() => timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        timer.Dispose();
        givenUp.Dispose();
    }

    private void Expire()
    {
        try
        {
            // A user's Cancel or a shutdown that came first keeps its own meaning.
            if (!run.IsCancellationRequested)
            {
                fired = true;
                givenUp.CancelAfter(timeout);
                run.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended while the timer fired: nothing left to stop.
        }
    }
}
