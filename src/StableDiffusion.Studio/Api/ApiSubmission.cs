using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Api;

/// <summary>How a submission went: the job, the field errors (keyed by the studio's labels), or a full queue.</summary>
public sealed record ApiSubmission(JobRecord? Job, IReadOnlyDictionary<string, string> Errors, TimeSpan? RetryAfter)
{
    public bool QueueFull => RetryAfter is not null;
}
