using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// How a worker fills a shared batch after claiming its first job, the same on either queue backend: walk the fair order
/// as it stands after that claim, which claims what successive claims would, passing over the jobs that cannot join.
/// </summary>
internal static class BatchCompanions
{
    /// <param name="order">The fair order read after <paramref name="first"/>'s claim, in the claims' transaction or writer.</param>
    /// <param name="canJoin">Whether a waiting job can step with the first (same model, size, steps and sampler).</param>
    /// <param name="images">Room left in the batch, in images.</param>
    /// <param name="claim">Moves one waiting job to Running for this worker; null when someone else took or cancelled it first.</param>
    /// <returns>The jobs claimed, in claim order.</returns>
    public static async Task<List<JobRecord>> ClaimAsync(StudioDbContext db, IReadOnlyList<QueuedJob> order, JobRecord first, Func<JobRecord, bool> canJoin,
        int images, Func<QueuedJob, Task<JobRecord?>> claim, CancellationToken cancellationToken)
    {
        var waiting = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued && j.Model == first.Model)
            .ToDictionaryAsync(j => j.Id, cancellationToken);
        var claimed = new List<JobRecord>();
        foreach (var candidate in order)
        {
            if (images == 0)
            {
                break;
            }
            if (waiting.TryGetValue(candidate.Id, out var job) && job.BatchSize <= images && canJoin(job) && await claim(candidate) is { } running)
            {
                claimed.Add(running);
                images -= job.BatchSize;
            }
        }
        return claimed;
    }
}
