using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Claims on one database with in-process workers: the jobs table is the queue (a queued row survives a restart),
/// the fair order's memory of whom it served last and the running jobs' cancellation tokens live in this process,
/// and a semaphore wakes the workers when a job is added.
/// </summary>
public sealed partial class JobClaims(
    IDbContextFactory<StudioDbContext> contexts,
    DatabaseWriter writer,
    JobProgressFeed feed,
    WorkerIdentity worker,
    ILogger<JobClaims> logger) : IJobClaims
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly ConcurrentDictionary<Guid, SkipSignal> skips = new();
    private readonly Dictionary<string, long> lastServed = [];
    private readonly SemaphoreSlim wake = new(0);
    private long serveTick;

    public async Task<IReadOnlyList<QueuedJob>> FairOrderAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await FairOrderAsync(db, cancellationToken);
    }

    public async Task<JobRecord?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        var claimed = await writer.WriteAsync(async db =>
        {
            foreach (var candidate in await FairOrderAsync(db, cancellationToken))
            {
                if (await TryClaimAsync(db, candidate, cancellationToken))
                {
                    return await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == candidate.Id, cancellationToken);
                }
            }

            return null;
        }, cancellationToken);

        if (claimed is not null)
        {
            feed.NotifyQueueChanged();
        }

        return claimed;
    }

    public async Task<IReadOnlyList<JobRecord>> ClaimCompanionsAsync(JobRecord first, Func<JobRecord, bool> canJoin, int images,
        CancellationToken cancellationToken = default)
    {
        var claimed = await writer.WriteAsync(async db => await BatchCompanions.ClaimAsync(db, await FairOrderAsync(db, cancellationToken), first, canJoin, images,
            // Read back as claimed (Running, with this worker and its start), as ClaimNextAsync does.
            async candidate => await TryClaimAsync(db, candidate, cancellationToken)
                ? await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == candidate.Id, cancellationToken)
                : null,
            cancellationToken), cancellationToken);

        if (claimed.Count > 0)
        {
            feed.NotifyQueueChanged();
        }

        return claimed;
    }

    /// <summary>Moves one waiting job to Running for this worker; false when someone else took or cancelled it first.</summary>
    private async Task<bool> TryClaimAsync(StudioDbContext db, QueuedJob candidate, CancellationToken cancellationToken)
    {
        var changed = await db.Jobs
            .Where(j => j.Id == candidate.Id && j.Status == JobStatus.Queued)
            .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Running)
                    .SetProperty(j => j.StartedAt, DateTime.UtcNow)
                    .SetProperty(j => j.WorkerId, worker.Id)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1),
                cancellationToken);
        if (changed != 1)
        {
            return false;
        }

        lock (lastServed)
        {
            lastServed[candidate.OwnerId] = ++serveTick;
        }
        return true;
    }

    public Task WaitForWorkAsync(CancellationToken cancellationToken) => wake.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

    public void Wake() => wake.Release();

    public CancellationTokenSource BeginRun(Guid jobId, CancellationToken stopping, SkipSignal? skip = null)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        running[jobId] = cts;
        if (skip is not null)
        {
            skips[jobId] = skip;
        }
        return cts;
    }

    public void EndRun(Guid jobId)
    {
        skips.TryRemove(jobId, out _);
        if (running.TryRemove(jobId, out var cts))
        {
            cts.Dispose();
        }
    }

    /// <summary>No other worker shares this database: a stopping server's job ends as cancelled, as before.</summary>
    public Task<bool> HandBackAsync(JobRecord job) => Task.FromResult(false);

    public async Task<bool> CancelAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var cancelled = await writer.WriteAsync(async db =>
        {
            var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);
            if (job is not { Status: JobStatus.Queued })
            {
                return null;
            }

            var changed = await db.Jobs
                .Where(j => j.Id == jobId && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.FinishedAt, DateTime.UtcNow),
                    cancellationToken);
            return changed == 1 ? job : null;
        }, cancellationToken);

        if (cancelled is not null)
        {
            LogCancelled(jobId);
            feed.Publish(JobUpdate.Of(cancelled) with { Status = JobStatus.Cancelled });
            feed.NotifyQueueChanged();
            return true;
        }

        // Either it was running, or a worker claimed it between the read and the update. Only the owner's job is
        // in the registry under this id, but check ownership before touching it.
        if (running.TryGetValue(jobId, out var cts) && await IsOwnersAsync(ownerId, jobId, cancellationToken))
        {
            LogCancelled(jobId);
            await cts.CancelAsync();
            return true;
        }

        return false;
    }

    public async Task<bool> SkipAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        // Only a running job has a signal; check ownership before touching it, as for a cancel.
        if (skips.TryGetValue(jobId, out var skip) && await IsOwnersAsync(ownerId, jobId, cancellationToken))
        {
            LogSkipped(jobId);
            skip.Request();
            return true;
        }

        return false;
    }

    private async Task<bool> IsOwnersAsync(string ownerId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);
    }

    private async Task<IReadOnlyList<QueuedJob>> FairOrderAsync(StudioDbContext db, CancellationToken cancellationToken)
    {
        var queued = await db.Jobs.AsNoTracking().Waiting().ToListAsync(cancellationToken);
        Dictionary<string, long> served;
        lock (lastServed)
        {
            served = new Dictionary<string, long>(lastServed);
        }

        return FairOrder.Order(queued, served);
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Job {JobId} cancellation requested")]
    private partial void LogCancelled(Guid jobId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Job {JobId} skip requested")]
    private partial void LogSkipped(Guid jobId);
}
