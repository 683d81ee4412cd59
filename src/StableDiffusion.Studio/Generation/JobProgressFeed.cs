using System.Collections.Concurrent;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Fans job updates out to pages and hub connections. The worker publishes and never waits: subscribers get a
/// synchronous callback and must only store the update and schedule their own work. The newest update per job is
/// kept so a late subscriber starts from the current step.
/// </summary>
public sealed partial class JobProgressFeed(ILogger<JobProgressFeed> logger)
{
    private readonly ConcurrentDictionary<Guid, JobUpdate> latest = new();
    private readonly ConcurrentDictionary<long, Subscription> subscriptions = new();
    private long nextId;

    /// <summary>Raised whenever a job enters or leaves the queue, so queue positions may have moved.</summary>
    public event Action? QueueChanged;

    /// <summary>Raised for updates published in this process, not those delivered from another node: what a bus forwards.</summary>
    public event Action<JobUpdate>? PublishedHere;

    /// <summary>Raised when this process changed the queue, not when another node said it did.</summary>
    public event Action? QueueChangedHere;

    /// <summary>Jobs whose last update seen here was not their end: what a page may still show as running.</summary>
    public IReadOnlyCollection<Guid> Unfinished => latest.Keys.ToList();

    public JobUpdate? Latest(Guid jobId) => latest.GetValueOrDefault(jobId);

    /// <summary>Every update of every job this owner has.</summary>
    public IDisposable SubscribeOwner(string ownerId, Action<JobUpdate> onUpdate) => Add(u => u.OwnerId == ownerId, onUpdate);

    public IDisposable SubscribeJob(Guid jobId, Action<JobUpdate> onUpdate) => Add(u => u.JobId == jobId, onUpdate);

    public void Publish(JobUpdate update)
    {
        Deliver(update);
        PublishedHere?.Invoke(update);
    }

    /// <summary>Fans out an update that another node published; it does not travel on.</summary>
    public void Deliver(JobUpdate update)
    {
        if (update.IsFinished)
        {
            latest.TryRemove(update.JobId, out _);
        }
        else
        {
            latest[update.JobId] = update;
        }

        foreach (var subscription in subscriptions.Values)
        {
            if (subscription.Filter(update))
            {
                try
                {
                    subscription.OnUpdate(update);
                }
                catch (Exception ex)
                {
                    // One broken page must not fail the job being reported, nor starve the other subscribers.
                    LogSubscriberFailed(ex, update.JobId);
                }
            }
        }
    }

    public void NotifyQueueChanged()
    {
        QueueChanged?.Invoke();
        QueueChangedHere?.Invoke();
    }

    public void DeliverQueueChanged() => QueueChanged?.Invoke();

    private Subscription Add(Func<JobUpdate, bool> filter, Action<JobUpdate> onUpdate)
    {
        var id = Interlocked.Increment(ref nextId);
        var subscription = new Subscription(filter, onUpdate, () => subscriptions.TryRemove(id, out _));
        subscriptions[id] = subscription;
        return subscription;
    }

    private sealed class Subscription(Func<JobUpdate, bool> filter, Action<JobUpdate> onUpdate, Action remove) : IDisposable
    {
        public Func<JobUpdate, bool> Filter => filter;

        public Action<JobUpdate> OnUpdate => onUpdate;

        public void Dispose() => remove();
    }

    [LoggerMessage(EventId = 250, Level = LogLevel.Warning, Message = "A progress subscriber failed on an update of job {JobId}")]
    private partial void LogSubscriberFailed(Exception exception, Guid jobId);
}
