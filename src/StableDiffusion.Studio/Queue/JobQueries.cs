using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Queue;

/// <summary>The queue's reads on the jobs table, each on its own short-lived context.</summary>
public sealed class JobQueries(IDbContextFactory<StudioDbContext> contexts, IJobClaims claims) : IJobQueries
{
    public async Task<JobRecord?> GetAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Images)
            .FirstOrDefaultAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ListActiveAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == ownerId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .OrderBy(j => j.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ListRecentAsync(string ownerId, int count, DateTime? clearedAt = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.Images)
            .Where(j => j.OwnerId == ownerId && j.ComparisonId == null && !j.FromApi && (clearedAt == null || j.CreatedAt > clearedAt))
            .OrderByDescending(j => j.CreatedAt)
            .Take(count)
            .ToListAsync(cancellationToken);
    }

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

    public async Task<IReadOnlyDictionary<Guid, int>> PositionsAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        var order = await claims.FairOrderAsync(cancellationToken);
        return order.Select((job, i) => (job, i))
            .Where(x => x.job.OwnerId == ownerId)
            .ToDictionary(x => x.job.Id, x => x.i + 1);
    }
}
