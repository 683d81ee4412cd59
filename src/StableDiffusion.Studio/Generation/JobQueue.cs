using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The one queue every user's jobs go through. The jobs table is the queue (a queued row survives a restart);
/// this class adds fair ordering, a per-user cap, the wake-up signal for the worker and a cancellation token per
/// running job. Every method that takes an owner id answers as if another owner's job does not exist.
/// </summary>
public sealed partial class JobQueue(
    IDbContextFactory<StudioDbContext> contexts,
    DatabaseWriter writer,
    ImageFileStore files,
    IImageGenerator generator,
    JobProgressFeed feed,
    SubmitRateLimit submitLimit,
    IOptions<StudioOptions> options,
    ILogger<JobQueue> logger)
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly Dictionary<string, long> lastServed = [];
    private readonly SemaphoreSlim wake = new(0);
    private long serveTick;

    public Task<SubmitResult> SubmitAsync(string ownerId, JobSettings settings, CancellationToken cancellationToken = default) =>
        EnqueueAsync(ownerId, [settings], null, cancellationToken);

    /// <summary>
    /// Validates every cell, then adds all of them or none. A comparison counts once against the per-user cap.
    /// </summary>
    public async Task<SubmitResult> EnqueueAsync(
        string ownerId, IReadOnlyList<JobSettings> cells, ComparisonRecord? comparison, CancellationToken cancellationToken = default)
    {
        var models = generator.Models;
        foreach (var cell in cells)
        {
            var errors = SettingsValidator.Validate(cell, models);
            if (errors.Count > 0)
            {
                return SubmitResult.Failed(errors);
            }
        }

        if (submitLimit.TryAcquire(ownerId) is { } tooFast)
        {
            return SubmitResult.Failed("", tooFast);
        }

        // Every cell shares the one init image, so it is read (and re-encoded) once.
        UploadedImage? init = null;
        if (cells[0].InitImage is { } initBytes)
        {
            init = UploadedImageReader.TryRead(initBytes, out var error);
            if (init is null)
            {
                return SubmitResult.Failed("Init image", error!);
            }
        }

        var result = await writer.WriteAsync(async db =>
        {
            var waiting = await db.Jobs
                .Where(j => j.OwnerId == ownerId && j.Status == JobStatus.Queued)
                .Select(j => j.ComparisonId ?? j.Id)
                .Distinct()
                .CountAsync(cancellationToken);
            var limit = options.Value.MaxQueuedJobsPerUser;
            if (waiting >= limit)
            {
                return SubmitResult.Failed("", $"You already have {waiting} jobs waiting, the most one person may queue. Wait for one to finish or cancel one.");
            }

            string? initPath = null;
            if (init is not null)
            {
                initPath = ImageFileStore.UploadPath(Guid.CreateVersion7());
                await files.WriteAtomicAsync(initPath, init.Png, cancellationToken);
            }

            var now = DateTime.UtcNow;
            if (comparison is not null)
            {
                comparison.OwnerId = ownerId;
                comparison.CreatedAt = now;
                db.Comparisons.Add(comparison);
            }

            // One tick apart keeps a comparison's cells in their grid order when the queue sorts by CreatedAt.
            var jobs = cells.Select((cell, i) => ToRecord(ownerId, cell, now.AddTicks(i), initPath, comparison?.Id)).ToList();
            if (comparison is not null)
            {
                // Cells arrive row-major: one column per seed.
                var columns = comparison.Seeds.Split(',').Length;
                for (var i = 0; i < jobs.Count; i++)
                {
                    (jobs[i].CellRow, jobs[i].CellColumn) = (i / columns, i % columns);
                }
            }

            db.Jobs.AddRange(jobs);
            await db.SaveChangesAsync(cancellationToken);
            return new SubmitResult(jobs, new Dictionary<string, string>());
        }, cancellationToken);

        if (result.Succeeded)
        {
            foreach (var job in result.Jobs)
            {
                LogQueued(job.Id, ownerId);
                feed.Publish(JobUpdate.Of(job));
                wake.Release();
            }

            feed.NotifyQueueChanged();
        }

        return result;
    }

    public async Task<JobRecord?> GetAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Images)
            .FirstOrDefaultAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);
    }

    /// <summary>
    /// Waits until the job is over and returns it (with its images), or null when it is not the owner's. For callers
    /// that answer only when the image exists, like A1111's synchronous txt2img.
    /// </summary>
    public async Task<JobRecord?> WaitAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Subscribed before the first read: the worker publishes only after it has recorded the outcome.
        using var subscription = feed.SubscribeJob(jobId, update =>
        {
            if (update.IsFinished)
            {
                finished.TrySetResult();
            }
        });
        var job = await GetAsync(ownerId, jobId, cancellationToken);
        if (job is null || job.Status is not (JobStatus.Queued or JobStatus.Running))
        {
            return job;
        }

        await finished.Task.WaitAsync(cancellationToken);
        return await GetAsync(ownerId, jobId, cancellationToken);
    }

    /// <summary>The owner's waiting and running jobs, oldest first.</summary>
    public async Task<IReadOnlyList<JobRecord>> ListActiveAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == ownerId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .OrderBy(j => j.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The owner's latest jobs outside any comparison, newest first, with their images.</summary>
    public async Task<IReadOnlyList<JobRecord>> ListRecentAsync(string ownerId, int count, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Images)
            .Where(j => j.OwnerId == ownerId && j.ComparisonId == null)
            .OrderByDescending(j => j.CreatedAt)
            .Take(count)
            .ToListAsync(cancellationToken);
    }

    /// <summary>1-based places in the whole queue of the owner's waiting jobs (1 = runs next).</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> PositionsAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        var order = await FairQueueAsync(cancellationToken);
        return order.Select((job, i) => (job, i))
            .Where(x => x.job.OwnerId == ownerId)
            .ToDictionary(x => x.job.Id, x => x.i + 1);
    }

    /// <summary>Cancels a waiting job at once, or a running one within one step. False when the job is not the owner's or already over.</summary>
    public async Task<bool> CancelAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(ownerId, jobId, cancellationToken);
        if (job is null)
        {
            return false;
        }

        if (job.Status == JobStatus.Queued)
        {
            var changed = await writer.WriteAsync(db => db.Jobs
                .Where(j => j.Id == jobId && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.FinishedAt, DateTime.UtcNow),
                    cancellationToken), cancellationToken);
            if (changed == 1)
            {
                LogCancelled(jobId);
                feed.Publish(JobUpdate.Of(job) with { Status = JobStatus.Cancelled });
                feed.NotifyQueueChanged();
                return true;
            }
        }

        // Either it was running, or the worker claimed it between the read and the update.
        if (running.TryGetValue(jobId, out var cts))
        {
            LogCancelled(jobId);
            await cts.CancelAsync();
            return true;
        }

        return false;
    }

    /// <summary>Waits for a submission, or a few seconds, whichever comes first.</summary>
    internal Task WaitForWorkAsync(CancellationToken cancellationToken) => wake.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

    /// <summary>Moves the fairest waiting job to Running and returns it, or null when nothing waits.</summary>
    internal async Task<JobRecord?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var claimed = await writer.WriteAsync(async db =>
        {
            var queued = await db.Jobs.AsNoTracking()
                .Where(j => j.Status == JobStatus.Queued)
                .Select(j => new QueuedJob(j.Id, j.OwnerId, j.CreatedAt))
                .ToListAsync(cancellationToken);
            foreach (var candidate in FairOrder.Order(queued, SnapshotServed()))
            {
                var changed = await db.Jobs
                    .Where(j => j.Id == candidate.Id && j.Status == JobStatus.Queued)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.StartedAt, DateTime.UtcNow),
                        cancellationToken);
                if (changed == 1)
                {
                    lock (lastServed)
                    {
                        lastServed[candidate.OwnerId] = ++serveTick;
                    }

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

    internal CancellationTokenSource BeginRun(Guid jobId, CancellationToken stopping)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        running[jobId] = cts;
        return cts;
    }

    internal void EndRun(Guid jobId)
    {
        if (running.TryRemove(jobId, out var cts))
        {
            cts.Dispose();
        }
    }

    private async Task<IReadOnlyList<QueuedJob>> FairQueueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queued = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued)
            .Select(j => new QueuedJob(j.Id, j.OwnerId, j.CreatedAt))
            .ToListAsync(cancellationToken);
        return FairOrder.Order(queued, SnapshotServed());
    }

    private Dictionary<string, long> SnapshotServed()
    {
        lock (lastServed)
        {
            return new Dictionary<string, long>(lastServed);
        }
    }

    private static JobRecord ToRecord(string ownerId, JobSettings s, DateTime createdAt, string? initPath, Guid? comparisonId) => new()
    {
        Id = Guid.CreateVersion7(),
        OwnerId = ownerId,
        Prompt = s.Prompt,
        NegativePrompt = s.NegativePrompt,
        // A1111 draws -1 from random.randrange(4294967294); the seed is fixed now so a rerun is deterministic.
        Seed = s.Seed >= 0 ? s.Seed : Random.Shared.NextInt64(0, GenerationLimits.MaxSeed),
        Steps = s.Steps,
        GuidanceScale = s.GuidanceScale,
        Scheduler = s.Scheduler,
        NoiseSource = s.NoiseSource,
        Width = s.Width,
        Height = s.Height,
        BatchCount = s.BatchCount,
        Model = s.Model,
        Strength = initPath is null ? null : s.Strength,
        InitImagePath = initPath,
        CreatedAt = createdAt,
        ComparisonId = comparisonId,
    };

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Job {JobId} queued by {OwnerId}")]
    private partial void LogQueued(Guid jobId, string ownerId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Job {JobId} cancellation requested")]
    private partial void LogCancelled(Guid jobId);
}
