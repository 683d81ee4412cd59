using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>A submission's outcome in the form's words: messages under the controls, or one for the whole form.</summary>
public sealed record SubmitFeedback(IReadOnlyDictionary<Setting, string> Errors, string? Message)
{
    public static SubmitFeedback None { get; } = new(new Dictionary<Setting, string>(), null);

    public static SubmitFeedback From(SubmitOutcome outcome) => outcome switch
    {
        SubmitOutcome.Invalid invalid => new(invalid.Errors, null),
        SubmitOutcome.QueueFull full => None with
        {
            Message = $"You already have {full.Limit} jobs waiting, the most one person may queue. Wait for one to finish or cancel one.",
        },
        SubmitOutcome.RateLimited limited => None with
        {
            Message = $"You have sent {limited.PerMinute} jobs in the last minute, the most one person may. "
                      + $"Try again in {(int)limited.RetryAfter.TotalSeconds} seconds.",
        },
        SubmitOutcome.DiskFull => None with
        {
            Message = "The server is low on disk space, so it takes no new jobs for now. Delete some images or ask the administrator to free space.",
        },
        SubmitOutcome.Busy busy => None with
        {
            Message = $"The database is busy. Try again in {Math.Max(1, (int)busy.RetryAfter.TotalSeconds)} seconds.",
        },
        _ => None,
    };
}
