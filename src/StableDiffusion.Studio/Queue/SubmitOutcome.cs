using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Queue;

/// <summary>How a submission went. Each surface turns it into its own words: the form into messages under its
/// controls, the APIs into 202, 400, 429, 503 or 507 answers (<see cref="Api.ApiProblems.From"/>).</summary>
public abstract record SubmitOutcome
{
    private SubmitOutcome()
    {
    }

    /// <summary>Added to the queue: one job, or a comparison's cells in grid order.</summary>
    public sealed record Queued(IReadOnlyList<JobRecord> Jobs) : SubmitOutcome
    {
        public JobRecord Job => Jobs[0];
    }

    /// <summary>Nothing was added: a message per setting that is wrong.</summary>
    public sealed record Invalid(IReadOnlyDictionary<Setting, string> Errors) : SubmitOutcome
    {
        public Invalid(Setting setting, string message)
            : this(new Dictionary<Setting, string> { [setting] = message })
        {
        }
    }

    /// <summary>The owner already has <paramref name="Limit"/> jobs waiting (a comparison counts once).</summary>
    public sealed record QueueFull(int Limit, TimeSpan RetryAfter) : SubmitOutcome;

    /// <summary>The owner sent <paramref name="PerMinute"/> submissions in the last minute.</summary>
    public sealed record RateLimited(int PerMinute, TimeSpan RetryAfter) : SubmitOutcome;

    /// <summary>The data directory's drive has less than <paramref name="MinFreeBytes"/> free: the job's images would not fit.</summary>
    public sealed record DiskFull(long MinFreeBytes) : SubmitOutcome;

    /// <summary>Another process held the database's write lock for longer than the studio waits.</summary>
    public sealed record Busy(TimeSpan RetryAfter) : SubmitOutcome;
}
