using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Queue length, jobs ahead and time left. A job's time is its steps × images × the median milliseconds per step
/// of the last finished jobs with the same model and size: speed depends on both, and on the machine, so a fixed
/// guess would be wrong everywhere. A running job counts only what is left of it, from its live progress.
/// </summary>
public sealed class QueueEstimates(IDbContextFactory<StudioDbContext> contexts, IJobClaims claims, JobProgressFeed feed)
{
    /// <summary>Finished jobs per model and size whose speed is used; the median keeps one slow outlier out.</summary>
    public const int SamplesPerShape = 5;

    public async Task<QueueOverview> OverviewAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        var order = await claims.FairOrderAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
            .Select(j => new ActiveJob(j.Id, j.OwnerId, j.Status, j.Model, j.Width, j.Height, j.Steps, j.BatchCount, j.StartedAt))
            .ToListAsync(cancellationToken);
        var byId = active.ToDictionary(j => j.Id);
        var speeds = await SpeedsAsync(db, active, cancellationToken);

        // Running jobs finish first, then the waiting ones in the fair order.
        var running = active.Where(j => j.Status == JobStatus.Running).OrderBy(j => j.StartedAt).ToList();
        var line = running.Concat(order.Select(q => byId.GetValueOrDefault(q.Id)).OfType<ActiveJob>()).ToList();
        var ahead = new Dictionary<Guid, int>();
        var remaining = new Dictionary<Guid, TimeSpan>();
        var elapsed = TimeSpan.Zero;
        var known = true;
        for (var i = 0; i < line.Count; i++)
        {
            var job = line[i];
            known &= speeds.TryGetValue((job.Model, job.Width, job.Height), out var msPerStep);
            elapsed += known ? TimeSpan.FromMilliseconds(msPerStep * job.Steps * job.BatchCount * (1 - DoneFraction(job))) : TimeSpan.Zero;
            if (job.OwnerId != ownerId)
            {
                continue;
            }

            if (job.Status == JobStatus.Queued)
            {
                ahead[job.Id] = i;
            }

            if (known)
            {
                remaining[job.Id] = elapsed;
            }
        }

        return new QueueOverview(running.Count, active.Count - running.Count, ahead, remaining);
    }

    private double DoneFraction(ActiveJob job) => job.Status == JobStatus.Running && feed.Latest(job.Id) is { } update ? update.Fraction : 0;

    private static async Task<Dictionary<(string, int, int), double>> SpeedsAsync(
        StudioDbContext db, IReadOnlyList<ActiveJob> active, CancellationToken cancellationToken)
    {
        var speeds = new Dictionary<(string, int, int), double>();
        foreach (var shape in active.Select(j => (j.Model, j.Width, j.Height)).Distinct())
        {
            var (model, width, height) = shape;
            var recent = await db.Jobs.AsNoTracking()
                .Where(j => j.Status == JobStatus.Succeeded && j.MillisecondsPerStep != null
                            && j.Model == model && j.Width == width && j.Height == height)
                .OrderByDescending(j => j.FinishedAt)
                .Take(SamplesPerShape)
                .Select(j => j.MillisecondsPerStep!.Value)
                .ToListAsync(cancellationToken);
            if (recent.Count > 0)
            {
                recent.Sort();
                var middle = recent.Count / 2;
                speeds[shape] = recent.Count % 2 == 1 ? recent[middle] : (recent[middle - 1] + recent[middle]) / 2;
            }
        }

        return speeds;
    }

    private sealed record ActiveJob(
        Guid Id, string OwnerId, JobStatus Status, string Model, int Width, int Height, int Steps, int BatchCount, DateTime? StartedAt);
}
