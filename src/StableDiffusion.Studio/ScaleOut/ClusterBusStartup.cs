using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// Subscribes to Redis when the host starts, and after a lost connection comes back tells pages how the jobs they
/// still show as running really stand, from the database: an end published while Redis was down is never resent.
/// </summary>
public sealed partial class ClusterBusStartup(
    RedisClusterBus bus,
    JobProgressFeed feed,
    IDbContextFactory<StudioDbContext> contexts,
    ILogger<ClusterBusStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Reconnected += OnReconnected;
        await bus.SubscribeAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Reconnected -= OnReconnected;
        return Task.CompletedTask;
    }

    private void OnReconnected() => _ = CatchUpAsync();

    private async Task CatchUpAsync()
    {
        try
        {
            var shown = feed.Unfinished;
            if (shown.Count == 0)
            {
                return;
            }

            await using var db = await contexts.CreateDbContextAsync();
            var jobs = await db.Jobs.AsNoTracking().Include(j => j.Images).Where(j => shown.Contains(j.Id)).ToListAsync();
            foreach (var job in jobs.Where(j => j.Status is not (JobStatus.Running or JobStatus.Queued)))
            {
                feed.Deliver(JobUpdate.Of(job));
            }

            feed.DeliverQueueChanged();
        }
        catch (Exception ex)
        {
            LogCatchUpFailed(ex);
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Catching up on job states after a Redis reconnect failed")]
    private partial void LogCatchUpFailed(Exception exception);
}
