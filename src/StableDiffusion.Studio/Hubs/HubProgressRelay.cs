using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Hubs;

/// <summary>
/// Forwards feed updates to hub connections without ever making the worker wait on a slow client: each watch keeps
/// only the newest update and one send in flight; whatever arrives meanwhile replaces the pending one.
/// </summary>
public sealed partial class HubProgressRelay(IHubContext<GenerationHub> hub, JobProgressFeed feed, ILogger<HubProgressRelay> logger)
{
    private Task SendAsync(string connectionId, JobUpdate update) =>
        hub.Clients.Client(connectionId).SendAsync(update.IsFinished ? "Finished" : "Progress", update);

    private readonly ConcurrentDictionary<(string Connection, Guid Job), Watcher> watchers = new();

    public JobUpdate? Latest(Guid jobId) => feed.Latest(jobId);

    public void Watch(string connectionId, Guid jobId) =>
        watchers.GetOrAdd((connectionId, jobId), key =>
        {
            var watcher = new Watcher(this, key.Connection);
            watcher.Subscription = feed.SubscribeJob(key.Job, watcher.Offer);
            return watcher;
        });

    /// <summary>Sends the final state of a job that was already over when watched.</summary>
    public void Finish(string connectionId, JobUpdate final)
    {
        if (watchers.TryGetValue((connectionId, final.JobId), out var watcher))
        {
            watcher.Offer(final);
        }
    }

    public void Unwatch(string connectionId, Guid jobId)
    {
        if (watchers.TryRemove((connectionId, jobId), out var watcher))
        {
            watcher.Subscription?.Dispose();
        }
    }

    public void Forget(string connectionId)
    {
        foreach (var key in watchers.Keys.Where(k => k.Connection == connectionId))
        {
            Unwatch(key.Connection, key.Job);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Could not send an update to connection {ConnectionId}")]
    private partial void LogSendFailed(Exception exception, string connectionId);

    private sealed class Watcher(HubProgressRelay relay, string connectionId)
    {
        private readonly Lock sync = new();
        private JobUpdate? pending;
        private bool sending;
        private bool finished;

        public IDisposable? Subscription { get; set; }

        public void Offer(JobUpdate update)
        {
            lock (sync)
            {
                if (finished)
                {
                    return;
                }

                finished = update.IsFinished;
                pending = update;
                if (sending)
                {
                    return;
                }

                sending = true;
            }

            _ = PumpAsync();
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                JobUpdate next;
                lock (sync)
                {
                    if (pending is null)
                    {
                        sending = false;
                        return;
                    }

                    next = pending;
                    pending = null;
                }

                try
                {
                    await relay.SendAsync(connectionId, next);
                }
                catch (Exception ex)
                {
                    relay.LogSendFailed(ex, connectionId);
                }

                if (next.IsFinished)
                {
                    relay.Unwatch(connectionId, next.JobId);
                }
            }
        }
    }
}
