using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Queues a failed or cancelled job again as a new job with the same settings and seed (the record keeps the seed it
/// drew, so the rerun makes the same images), through the one way into the queue with its caps and checks.
/// </summary>
public sealed class JobRetry(IJobSubmission submission, ImageFileStore files)
{
    /// <summary>Failed (also interrupted by a crash) or cancelled (also stopped with the server); a success has its images.</summary>
    public static bool CanRetry(JobRecord job) => job.Status is JobStatus.Failed or JobStatus.Cancelled;

    public async Task<SubmitOutcome> RetryAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        var settings = JobRecords.Settings(job);
        if (job.InitImagePath is { } initPath)
        {
            if (files.Find(initPath) is null)
            {
                return new SubmitOutcome.Invalid(Setting.InitImage, "The init image of that job is no longer stored; start it again from Create.");
            }

            settings = settings with { InitImage = await files.ReadAsync(initPath, cancellationToken) };
        }

        if (job.MaskPath is { } maskPath)
        {
            if (files.Find(maskPath) is null)
            {
                return new SubmitOutcome.Invalid(Setting.Mask, "The mask of that job is no longer stored; start it again from Create.");
            }

            settings = settings with { Mask = await files.ReadAsync(maskPath, cancellationToken) };
        }

        return job.FromApi
            ? await submission.SubmitFromApiAsync(job.OwnerId, settings, cancellationToken)
            : await submission.SubmitAsync(job.OwnerId, settings, cancellationToken);
    }
}
