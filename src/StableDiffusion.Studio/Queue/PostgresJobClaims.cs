using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.ScaleOut;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Claims on PostgreSQL shared by several worker processes. The fair order's memory is the database's own (an
/// owner's last start is their latest <c>StartedAt</c>), a claim is one <c>UPDATE … FROM (SELECT … FOR UPDATE SKIP
/// LOCKED)</c> that also takes a lease (worker id and expiry) the worker renews, and idle workers wake on a Redis
/// message or, without Redis, poll.
/// </summary>
public sealed partial class PostgresJobClaims : IJobClaims
{
    /// <summary>How often an idle worker looks for work when no wake-up reaches it.</summary>
    public static readonly TimeSpan PollWithoutRedis = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan PollWithRedis = TimeSpan.FromSeconds(10);

    /// <summary>The transaction-scoped lock every claim takes, so each sees the StartedAt of the claim before it.</summary>
    private const string ClaimLock = "SELECT pg_advisory_xact_lock(7310150001)";

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly ConcurrentDictionary<Guid, SkipSignal> skips = new();
    private readonly SemaphoreSlim wake = new(0);
    private readonly IDbContextFactory<StudioDbContext> contexts;
    private readonly JobProgressFeed feed;
    private readonly IClusterBus bus;
    private readonly WorkerIdentity worker;
    private readonly IOptions<StudioOptions> options;
    private readonly ILogger<PostgresJobClaims> logger;

    public PostgresJobClaims(
        IDbContextFactory<StudioDbContext> contexts,
        JobProgressFeed feed,
        IClusterBus bus,
        WorkerIdentity worker,
        IOptions<StudioOptions> options,
        ILogger<PostgresJobClaims> logger)
    {
        this.contexts = contexts;
        this.feed = feed;
        this.bus = bus;
        this.worker = worker;
        this.options = options;
        this.logger = logger;
        bus.WakeReceived += () => wake.Release();
        bus.CancelReceived += CancelHere;
    }

    public async Task<IReadOnlyList<QueuedJob>> FairOrderAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await FairOrderAsync(db, cancellationToken);
    }

    private static async Task<IReadOnlyList<QueuedJob>> FairOrderAsync(StudioDbContext db, CancellationToken cancellationToken)
    {
        var queued = await db.Jobs.AsNoTracking().Waiting().ToListAsync(cancellationToken);
        var owners = queued.Select(j => j.OwnerId).Distinct().ToList();
        var lastStarts = await db.Jobs.AsNoTracking()
            .Where(j => owners.Contains(j.OwnerId) && j.StartedAt != null)
            .GroupBy(j => j.OwnerId)
            .Select(g => new { Owner = g.Key, Last = g.Max(j => j.StartedAt)!.Value })
            .ToListAsync(cancellationToken);
        return FairOrder.Order(queued, lastStarts.ToDictionary(s => s.Owner, s => s.Last.Ticks));
    }

    public async Task<JobRecord?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Claims queue behind one transaction-scoped lock so that each sees the previous one's StartedAt: without it
        // two workers claiming at the same instant could both serve the same owner. A claim holds it for a
        // millisecond or two; SKIP LOCKED still passes over a row that a cancel is updating.
        await db.Database.ExecuteSqlRawAsync(ClaimLock, cancellationToken);
        var leaseSeconds = (double)options.Value.LeaseSeconds;
        var claimed = await db.Jobs.FromSql($"""
            UPDATE "Jobs" SET "Status" = 'Running', "StartedAt" = clock_timestamp(), "WorkerId" = {worker.Id},
                "LeaseExpiresAt" = clock_timestamp() + make_interval(secs => {leaseSeconds}), "Attempts" = "Attempts" + 1
            FROM (
                SELECT j."Id" FROM "Jobs" j
                WHERE j."Status" = 'Queued'
                ORDER BY (SELECT max(s."StartedAt") FROM "Jobs" s WHERE s."OwnerId" = j."OwnerId") ASC NULLS FIRST, j."CreatedAt", j."Id"
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            ) AS next
            WHERE "Jobs"."Id" = next."Id"
            RETURNING "Jobs".*
            """).AsNoTracking().ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (claimed.Count == 0)
        {
            return null;
        }

        LogClaimed(claimed[0].Id, worker.Id, claimed[0].Attempts);
        feed.NotifyQueueChanged();
        return claimed[0];
    }

    /// <summary>
    /// <see cref="BatchCompanions"/> under the claims' lock; each companion takes its own lease, which the lease keeper
    /// renews with the others of this worker (and hands back, or lets expire, one job at a time).
    /// </summary>
    public async Task<IReadOnlyList<JobRecord>> ClaimCompanionsAsync(JobRecord first, Func<JobRecord, bool> canJoin, int images, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(ClaimLock, cancellationToken);
        var leaseSeconds = (double)options.Value.LeaseSeconds;
        var claimed = await BatchCompanions.ClaimAsync(db, await FairOrderAsync(db, cancellationToken), first, canJoin, images, async candidate =>
        {
            // Still waiting: a cancel may have taken it since the order was read (it waits for the cancel's row lock).
            var rows = await db.Jobs.FromSql($"""
                UPDATE "Jobs" SET "Status" = 'Running', "StartedAt" = clock_timestamp(), "WorkerId" = {worker.Id},
                    "LeaseExpiresAt" = clock_timestamp() + make_interval(secs => {leaseSeconds}), "Attempts" = "Attempts" + 1
                WHERE "Id" = {candidate.Id} AND "Status" = 'Queued'
                RETURNING *
                """).AsNoTracking().ToListAsync(cancellationToken);
            return rows.SingleOrDefault();
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var job in claimed)
        {
            LogClaimed(job.Id, worker.Id, job.Attempts);
        }
        if (claimed.Count > 0)
        {
            feed.NotifyQueueChanged();
        }
        return claimed;
    }

    public Task WaitForWorkAsync(CancellationToken cancellationToken) =>
        wake.WaitAsync(bus.IsConnected == true ? PollWithRedis : PollWithoutRedis, cancellationToken);

    public void Wake()
    {
        wake.Release();
        bus.Wake();
    }

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

    /// <summary>Skips a batch of a job running in this process; a skip does not cross to other workers yet.</summary>
    public async Task<bool> SkipAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        if (!skips.TryGetValue(jobId, out var skip))
        {
            return false;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken))
        {
            return false;
        }

        skip.Request();
        return true;
    }

    public void EndRun(Guid jobId)
    {
        skips.TryRemove(jobId, out _);
        if (running.TryRemove(jobId, out var cts))
        {
            cts.Dispose();
        }
    }

    public async Task<bool> HandBackAsync(JobRecord job)
    {
        // Not the host's stopping token: it is already cancelled. The attempt is given back too: nobody died.
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var changed = await db.Jobs
            .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.WorkerId == worker.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Queued)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1), CancellationToken.None);
        if (changed == 0)
        {
            return false;
        }

        feed.Publish(JobUpdate.Of(job) with { Status = JobStatus.Queued });
        feed.NotifyQueueChanged();
        Wake();
        return true;
    }

    public async Task<bool> CancelAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);
        if (job is { Status: JobStatus.Queued })
        {
            var changed = await db.Jobs
                .Where(j => j.Id == jobId && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.FinishedAt, DateTime.UtcNow),
                    cancellationToken);
            if (changed == 1)
            {
                LogCancelled(jobId);
                feed.Publish(JobUpdate.Of(job) with { Status = JobStatus.Cancelled });
                feed.NotifyQueueChanged();
                return true;
            }

            // A worker claimed it between the read and the update: it is running now.
            job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == jobId, cancellationToken);
        }

        if (job is not { Status: JobStatus.Running })
        {
            return false;
        }

        // It runs here or on another worker; whichever holds it stops within one step.
        LogCancelled(jobId);
        CancelHere(jobId);
        bus.Cancel(jobId);
        return bus.IsConnected is true || running.ContainsKey(jobId);
    }

    private void CancelHere(Guid jobId)
    {
        try
        {
            if (running.TryGetValue(jobId, out var cts))
            {
                cts.Cancel();
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }
    }

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Job {JobId} claimed by {WorkerId} (attempt {Attempt})")]
    private partial void LogClaimed(Guid jobId, string workerId, int attempt);

    [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "Job {JobId} cancellation requested")]
    private partial void LogCancelled(Guid jobId);
}
