using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Queue;

/// <summary>Adds jobs to the queue: validates, rate-limits and persists them, or says why not.</summary>
public interface IJobSubmission
{
    Task<SubmitOutcome> SubmitAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="SubmitAsync"/>, for a program's request: the job is the user's but stays out of Create's results.</summary>
    Task<SubmitOutcome> SubmitFromApiAsync(string ownerId, GenerationSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Every cell or none; the comparison counts once against the per-user cap.</summary>
    Task<SubmitOutcome> SubmitComparisonAsync(
        string ownerId, IReadOnlyList<GenerationSettings> cells, ComparisonRecord comparison, CancellationToken cancellationToken = default);
}
