using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace StableDiffusion.Studio.Generation;

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

    /// <summary>Null when the user may submit now, else the message to show.</summary>
    public string? TryAcquire(string userId)
    {
        using var lease = limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? $" Try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} seconds." : "";
        return $"You have sent {options.Value.SubmitsPerMinutePerUser} jobs in the last minute, the most one person may.{wait}";
    }

    public void Dispose() => limiter.Dispose();
}
