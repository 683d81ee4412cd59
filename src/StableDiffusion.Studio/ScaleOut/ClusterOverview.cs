using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>
/// The queue as an administrator sees it (<see cref="Identity.StudioAdministrators"/>): every running job, whose it
/// is and which worker holds it until when, and every worker the database knows.
/// </summary>
public sealed class ClusterOverview(IDbContextFactory<StudioDbContext> contexts)
{
    public sealed record RunningJob(Guid Id, string OwnerId, string Prompt, string? WorkerId, DateTime? StartedAt, DateTime? LeaseExpiresAt);

    public async Task<IReadOnlyList<RunningJob>> RunningJobsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running)
            .OrderBy(j => j.StartedAt)
            .Select(j => new RunningJob(j.Id, j.OwnerId, j.Prompt, j.WorkerId, j.StartedAt, j.LeaseExpiresAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WorkerRecord>> WorkersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Workers.AsNoTracking().OrderBy(w => w.Id).ToListAsync(cancellationToken);
    }
}
