using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// Submits API jobs through the same <see cref="JobQueue"/> as the pages (same fairness, same per-user cap) and
/// waits for them the way A1111's blocking calls need.
/// </summary>
public sealed class ApiGenerations(JobQueue queue, JobProgressFeed feed)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public async Task<ApiSubmission> SubmitAsync(string ownerId, JobSettings settings, CancellationToken cancellationToken)
    {
        // Checked first so a full queue is a 429 even when the settings are also wrong: retrying later is the fix.
        if (await queue.CountWaitingAsync(ownerId, cancellationToken) >= queue.MaxQueuedJobsPerUser)
        {
            return new ApiSubmission(null, new Dictionary<string, string>(), await RetryAfterAsync(ownerId, cancellationToken));
        }

        var result = await queue.SubmitAsync(ownerId, settings, cancellationToken);
        if (result.Succeeded)
        {
            return new ApiSubmission(result.Job, result.Errors, null);
        }

        // The queue reports its cap under the request-wide key; reaching it here means another request got in between.
        return result.Errors.ContainsKey("") && result.Errors.Count == 1
            ? new ApiSubmission(null, result.Errors, await RetryAfterAsync(ownerId, cancellationToken))
            : new ApiSubmission(null, result.Errors, null);
    }

    /// <summary>The finished job; cancelled with <paramref name="cancellationToken"/> (a client that hung up) it throws.</summary>
    public async Task<JobRecord> WaitAsync(string ownerId, Guid jobId, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = feed.SubscribeJob(jobId, update =>
        {
            if (update.IsFinished)
            {
                finished.TrySetResult();
            }
        });
        while (true)
        {
            // The worker writes the row before it publishes, so the row read after the signal is final.
            var job = await queue.GetAsync(ownerId, jobId, cancellationToken)
                      ?? throw new InvalidOperationException($"Job {jobId} disappeared while it was awaited.");
            if (job.Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled)
            {
                return job;
            }

            // The poll only covers a finish published between the subscription and the first read.
            await Task.WhenAny(finished.Task, Task.Delay(PollInterval, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>When the owner's current job should be done: its estimate if it is running, else a guess.</summary>
    public async Task<TimeSpan> RetryAfterAsync(string ownerId, CancellationToken cancellationToken)
    {
        var active = await queue.ListActiveAsync(ownerId, cancellationToken);
        var eta = active.Select(j => feed.Latest(j.Id)?.Eta).FirstOrDefault(e => e is not null);
        return TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(eta?.TotalSeconds ?? 10), 1, 600));
    }
}
