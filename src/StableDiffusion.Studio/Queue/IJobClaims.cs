using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Who runs next: the fair order over every owner's waiting jobs, claiming the next one for a worker, waking idle
/// workers, and cancelling waiting or running jobs. The part of the queue a multi-node backend replaces.
/// </summary>
public interface IJobClaims
{
    /// <summary>Every waiting job, in the order they will run.</summary>
    Task<IReadOnlyList<QueuedJob>> FairOrderAsync(CancellationToken cancellationToken = default);

    /// <summary>Moves the fairest waiting job to Running and returns it, or null when nothing waits.</summary>
    Task<JobRecord?> ClaimNextAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves to Running the waiting jobs that can step in one shared batch with <paramref name="first"/> (just claimed),
    /// the next ones in fair order that <paramref name="canJoin"/> accepts and whose images fit in <paramref name="images"/>,
    /// and returns them; empty when none can, or when this backend does not share batches.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ClaimCompanionsAsync(JobRecord first, Func<JobRecord, bool> canJoin, int images, CancellationToken cancellationToken = default);

    /// <summary>Returns when a job may be waiting: after <see cref="Wake"/>, or a few seconds, whichever comes first.</summary>
    Task WaitForWorkAsync(CancellationToken cancellationToken);

    void Wake();

    /// <summary>
    /// The token a running job's pipeline watches; cancelled by <see cref="CancelAsync"/> or the worker stopping.
    /// <paramref name="skip"/>, when given, is what <see cref="SkipAsync"/> requests.
    /// </summary>
    CancellationTokenSource BeginRun(Guid jobId, CancellationToken stopping, SkipSignal? skip = null);

    void EndRun(Guid jobId);

    /// <summary>
    /// Puts a job this worker runs back in the queue because the worker is stopping, where other workers can run it;
    /// false where nobody else would (one process), and the job is then cancelled as stopped.
    /// </summary>
    Task<bool> HandBackAsync(JobRecord job);

    /// <summary>Cancels a waiting job at once, or a running one within one step. False when the job is not the owner's or already over.</summary>
    Task<bool> CancelAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the running job's current batch early; the job goes on with its next batch (A1111's Skip). False when the
    /// job is not the owner's or is not running.
    /// </summary>
    Task<bool> SkipAsync(string ownerId, Guid jobId, CancellationToken cancellationToken = default);
}
