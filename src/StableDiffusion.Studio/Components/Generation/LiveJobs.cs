using System.Collections.Concurrent;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>
/// Live progress for a page that shows jobs: keeps the newest update per job, asks the page to re-read its state from
/// the database when a job finishes, the queue moves or the browser reconnects (progress sent while it was away is
/// lost), and renders at most four times a second. Updates arrive on the worker's thread: they are stored and a
/// render is scheduled, never awaited.
/// </summary>
public sealed class LiveJobs : IDisposable
{
    private readonly ConcurrentDictionary<Guid, JobUpdate> live = new();
    private readonly Func<Func<Task>, Task> invoke;
    private readonly Func<Task> refresh;
    private readonly Action render;
    private readonly Func<Guid, bool> watches;
    private readonly ReconnectNotifier reconnects;
    private readonly RenderThrottle throttle;
    private IDisposable? subscription;
    private volatile bool refreshPending;

    /// <param name="invoke">The page's <c>InvokeAsync</c>: everything that touches the page runs on its dispatcher.</param>
    /// <param name="refresh">Re-reads the page's state; called on the dispatcher before a render.</param>
    /// <param name="render">The page's <c>StateHasChanged</c>.</param>
    /// <param name="watches">Which jobs the page shows; all of the user's when null.</param>
    private LiveJobs(Func<Func<Task>, Task> invoke, Func<Task> refresh, Action render, Func<Guid, bool>? watches, ReconnectNotifier reconnects)
    {
        (this.invoke, this.refresh, this.render, this.reconnects) = (invoke, refresh, render, reconnects);
        this.watches = watches ?? (_ => true);
        throttle = new RenderThrottle(() => invoke(RenderAsync), RenderThrottle.FourPerSecond);
    }

    /// <summary>Raised (on the worker's thread) when a watched job fails.</summary>
    public event Action<JobUpdate>? Failed;

    /// <summary>Starts watching the current user's jobs; only a live circuit should (the prerendered copy is thrown away).</summary>
    public static async Task<LiveJobs> StartAsync(
        GenerationService generation, ReconnectNotifier reconnects, Func<Func<Task>, Task> invoke, Func<Task> refresh, Action render,
        Func<Guid, bool>? watches = null)
    {
        var jobs = new LiveJobs(invoke, refresh, render, watches, reconnects);
        jobs.subscription = await generation.SubscribeAsync(jobs.OnUpdate, jobs.OnQueueChanged);
        reconnects.Reconnected += jobs.OnReconnectedAsync;
        return jobs;
    }

    /// <summary>The job's live progress while it runs, else what its record says.</summary>
    public JobUpdate UpdateOf(JobRecord job) =>
        live.GetValueOrDefault(job.Id) is { IsFinished: false } update ? update : JobUpdate.Of(job);

    public JobUpdate? Latest(Guid jobId) => live.GetValueOrDefault(jobId);

    private void OnUpdate(JobUpdate update)
    {
        if (!watches(update.JobId))
        {
            return;
        }

        live[update.JobId] = update;
        if (update.IsFinished)
        {
            refreshPending = true;
            if (update.Status == JobStatus.Failed)
            {
                Failed?.Invoke(update);
            }
        }

        throttle.Request();
    }

    private void OnQueueChanged()
    {
        refreshPending = true;
        throttle.Request();
    }

    private async Task RenderAsync()
    {
        if (refreshPending)
        {
            refreshPending = false;
            await refresh();
        }

        render();
    }

    private Task OnReconnectedAsync() => invoke(async () =>
    {
        live.Clear();
        await refresh();
        render();
    });

    public void Dispose()
    {
        reconnects.Reconnected -= OnReconnectedAsync;
        subscription?.Dispose();
        throttle.Dispose();
    }
}
