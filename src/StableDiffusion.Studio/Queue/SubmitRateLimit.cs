using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio.Queue;

/// <summary>
/// Submissions per user per minute. Blazor events arrive over one long-lived circuit, so HTTP rate-limiting
/// middleware never sees a submit: the limit lives here, keyed by user id, next to the queue cap.
/// </summary>
public sealed class SubmitRateLimit(IOptions<StudioOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(userId =>
        RateLimitPartition.GetFixedWindowLimiter(userId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SubmitsPerMinutePerUser,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public int PerMinute => options.Value.SubmitsPerMinutePerUser;

    /// <summary>Null when the user may submit now, else how long until they may.</summary>
    public TimeSpan? TryAcquire(string userId)
    {
        using var lease = limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)));
    }

    public void Dispose() => limiter.Dispose();
}
