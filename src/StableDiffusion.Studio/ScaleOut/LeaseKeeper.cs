using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// A worker's heartbeat on PostgreSQL, every third of <see cref="StudioOptions.LeaseSeconds"/>: renews its own
/// row in Workers and the leases of the jobs it runs, and takes back running jobs whose lease has passed (their
/// worker died or lost the database): requeued the first time, failed with the reason the second. Times are the
/// database's clock, so workers' clocks need not agree.
/// </summary>
public sealed partial class LeaseKeeper(
    IDbContextFactory<StudioDbContext> contexts,
    IJobClaims claims,
    IImageGenerator generator,
    WorkerIdentity worker,
    JobProgressFeed feed,
    IOptions<StudioOptions> options,
    ILogger<LeaseKeeper> logger) : BackgroundService
{
    /// <summary>The reason a job ends with when the worker running it died on its second try too.</summary>
    public const string LostTwiceError = "The worker running this job stopped twice (its lease expired each time); it was not tried again.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.LeaseSeconds / 3.0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stoppingToken);
                await ReclaimExpiredAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is away: leases run out, and whoever can reach it takes the jobs back.
                LogHeartbeatFailed(ex);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Workers.Where(w => w.Id == worker.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.StoppedAt, DateTime.UtcNow), cancellationToken);
        }
        catch (Exception ex)
        {
            LogHeartbeatFailed(ex);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var lease = (double)options.Value.LeaseSeconds;
        var model = generator.Models.FirstOrDefault(m => m.IsAvailable);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Workers" ("Id", "ExecutionProvider", "Model", "StartedAt", "LeaseExpiresAt", "StoppedAt")
            VALUES ({worker.Id}, {model?.ExecutionProvider ?? "none"}, {model?.Name ?? ""}, clock_timestamp(),
                    clock_timestamp() + make_interval(secs => {lease}), NULL)
            ON CONFLICT ("Id") DO UPDATE SET "ExecutionProvider" = excluded."ExecutionProvider", "Model" = excluded."Model",
                "LeaseExpiresAt" = excluded."LeaseExpiresAt", "StoppedAt" = NULL
            """, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE "Jobs" SET "LeaseExpiresAt" = clock_timestamp() + make_interval(secs => {lease})
            WHERE "WorkerId" = {worker.Id} AND "Status" = 'Running'
            """, cancellationToken);
    }

    private async Task ReclaimExpiredAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // WorkerId and LeaseExpiresAt stay as they were, so the queue shows whose lease ran out until the next claim.
        var reclaimed = await db.Jobs.FromSql($"""
            UPDATE "Jobs" SET
                "Status" = CASE WHEN "Attempts" >= 2 THEN 'Failed' ELSE 'Queued' END,
                "Error" = CASE WHEN "Attempts" >= 2 THEN {LostTwiceError} ELSE NULL END,
                "FinishedAt" = CASE WHEN "Attempts" >= 2 THEN clock_timestamp() ELSE NULL END
            WHERE "Status" = 'Running' AND "LeaseExpiresAt" < clock_timestamp()
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var job in reclaimed)
        {
            if (job.Status == JobStatus.Queued)
            {
                LogRequeued(job.Id, job.WorkerId ?? "");
            }
            else
            {
                LogFailedTwice(job.Id, job.WorkerId ?? "");
            }

            feed.Publish(JobUpdate.Of(job));
        }

        if (reclaimed.Count > 0)
        {
            feed.NotifyQueueChanged();
            claims.Wake();
        }
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Job {JobId} requeued: the lease of worker {WorkerId} expired")]
    private partial void LogRequeued(Guid jobId, string workerId);

    [LoggerMessage(EventId = 721, Level = LogLevel.Error, Message = "Job {JobId} failed: its lease expired a second time (worker {WorkerId})")]
    private partial void LogFailedTwice(Guid jobId, string workerId);

    [LoggerMessage(EventId = 722, Level = LogLevel.Warning, Message = "The lease heartbeat could not reach the database")]
    private partial void LogHeartbeatFailed(Exception exception);
}
