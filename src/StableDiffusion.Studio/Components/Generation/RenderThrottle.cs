namespace StableDiffusion.Studio.Components.Generation;

/// <summary>
/// Coalesces render requests to at most one per interval: Blazor Server stops sending renders to a client with 10
/// unacknowledged batches, so per-step progress must not render per step. The last request always renders.
/// </summary>
public sealed class RenderThrottle(Func<Task> render, TimeSpan interval) : IDisposable
{
    private readonly Lock sync = new();
    private DateTime lastRender = DateTime.MinValue;
    private bool scheduled;
    private bool disposed;

    public static TimeSpan FourPerSecond { get; } = TimeSpan.FromMilliseconds(250);

    public void Request()
    {
        TimeSpan wait;
        lock (sync)
        {
            if (scheduled || disposed)
            {
                return;
            }

            scheduled = true;
            var since = DateTime.UtcNow - lastRender;
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }

        _ = RenderAfterAsync(wait);
    }

    public void Dispose()
    {
        lock (sync)
        {
            disposed = true;
        }
    }

    private async Task RenderAfterAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            // Rounded up: Task.Delay truncates to whole milliseconds, which let renders come 249 ms apart, inside the interval.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)));
        }

        lock (sync)
        {
            scheduled = false;
            lastRender = DateTime.UtcNow;
            if (disposed)
            {
                return;
            }
        }

        try
        {
            await render();
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the request and the render.
        }
    }
}
