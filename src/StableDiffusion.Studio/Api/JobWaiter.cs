using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Api;

/// <summary>Waits for a job to end, the way A1111's blocking txt2img and img2img calls answer only with the images.</summary>
public sealed class JobWaiter(IJobQueries queries, JobProgressFeed feed)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>The finished job; cancelled with <paramref name="cancellationToken"/> (a client that hung up) it throws.</summary>
    public async Task<JobRecord> WaitAsync(string ownerId, Guid jobId, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource<JobUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = feed.SubscribeJob(jobId, update =>
        {
            if (update.IsFinished)
            {
                finished.TrySetResult(update);
            }
        });
        while (true)
        {
            // The worker writes the row before it publishes, so the row read after the signal is final.
            var job = await queries.GetAsync(ownerId, jobId, cancellationToken)
                      ?? throw new InvalidOperationException($"Job {jobId} disappeared while it was awaited.");
            if (job.Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled)
            {
                return job;
            }

            // The worker publishes a failure it could not write (a full disk, a database that refused every retry);
            // the row stays Running until the next start, but the caller gets its answer now.
            if (finished.Task is { IsCompletedSuccessfully: true, Result: var final })
            {
                job.Status = final.Status;
                job.Error = final.Error;
                return job;
            }

            // The poll only covers a finish published between the subscription and the first read.
            await Task.WhenAny(finished.Task, Task.Delay(PollInterval, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
