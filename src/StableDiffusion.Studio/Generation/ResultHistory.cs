using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// Create's results: the newest finished images of the jobs made from its form, at most <see cref="Limit"/> (the
/// Gallery has the rest), and the jobs that ended without images (failed or cancelled) so their reason shows.
/// </summary>
public static class ResultHistory
{
    /// <summary>Images Create shows under its latest result.</summary>
    public const int Limit = 24;

    /// <summary>Jobs to read to fill <see cref="Limit"/>: a job makes at least one image.</summary>
    public const int JobsToRead = Limit;

    /// <summary>The newest finished images of <paramref name="jobs"/> (newest first), at most <see cref="Limit"/>.</summary>
    public static IReadOnlyList<ResultImage> Images(IEnumerable<JobRecord> jobs) =>
    [
        .. jobs.Where(j => j.Status == JobStatus.Succeeded || j.Images.Count > 0)
            .OrderByDescending(j => j.CreatedAt)
            .SelectMany(j => j.Images.OrderBy(i => i.Index).Select(i => new ResultImage(j, i)))
            .Take(Limit),
    ];

    /// <summary>The jobs <see cref="Images"/> draws from, plus those that ended with no image, newest first.</summary>
    public static IReadOnlyList<JobRecord> Finished(IEnumerable<JobRecord> jobs) =>
    [
        .. jobs.Where(j => j.Status is not (JobStatus.Queued or JobStatus.Running)).OrderByDescending(j => j.CreatedAt),
    ];
}
