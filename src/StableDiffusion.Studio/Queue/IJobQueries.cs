using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Queue;

/// <summary>Reads of one owner's jobs; another owner's jobs do not exist for them.</summary>
public interface IJobQueries
{
    /// <summary>The job with its images, or null when it is not the owner's.</summary>
    Task<JobRecord?> GetAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>The owner's waiting and running jobs, oldest first.</summary>
    Task<IReadOnlyList<JobRecord>> ListActiveAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The owner's latest jobs made from Create's form (not through the APIs, not comparison cells), newest first, with
    /// their images; none from before <paramref name="clearedAt"/> (Create's Clear).
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ListRecentAsync(string ownerId, int count, DateTime? clearedAt = null, CancellationToken cancellationToken = default);

    /// <summary>The owner's jobs, comparison cells included, newest first, with their images.</summary>
    Task<(IReadOnlyList<JobRecord> Jobs, int Total)> ListPageAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>1-based places in the whole queue of the owner's waiting jobs (1 = runs next).</summary>
    Task<IReadOnlyDictionary<Guid, int>> PositionsAsync(string ownerId, CancellationToken cancellationToken = default);
}
