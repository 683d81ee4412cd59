using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Generation;

/// <summary>What the API needs beyond the pages: every job of an owner page by page, and how full their queue is.</summary>
public sealed partial class JobQueue
{
    /// <summary>The most waiting jobs one owner may have (a comparison counts once).</summary>
    public int MaxQueuedJobsPerUser => options.Value.MaxQueuedJobsPerUser;

    /// <summary>The owner's jobs, comparison cells included, newest first, with their images.</summary>
    public async Task<(IReadOnlyList<JobRecord> Jobs, int Total)> ListPageAsync(
        string ownerId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Jobs.AsNoTracking().Where(j => j.OwnerId == ownerId);
        var total = await query.CountAsync(cancellationToken);
        var jobs = await query.Include(j => j.Images)
            .OrderByDescending(j => j.CreatedAt)
            .Skip(Math.Max(0, page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken);
        return (jobs, total);
    }

    /// <summary>Waiting jobs counted as the per-user cap counts them.</summary>
    public async Task<int> CountWaitingAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs
            .Where(j => j.OwnerId == ownerId && j.Status == JobStatus.Queued)
            .Select(j => j.ComparisonId ?? j.Id)
            .Distinct()
            .CountAsync(cancellationToken);
    }
}
