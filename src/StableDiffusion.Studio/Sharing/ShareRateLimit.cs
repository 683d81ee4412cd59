using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// Share links are the one public surface: requests under /s/ are limited per client address, so the token space
/// cannot be walked (W3C TAG capability URLs: rate-limit the URL space). Everything else is unlimited here.
/// </summary>
public static class ShareRateLimit
{
    public static IServiceCollection AddShareRateLimit(this IServiceCollection services, int requestsPerMinute) =>
        services.AddProblemDetails().AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, cancellationToken) => TooManyRequestsBody.WriteAsync(context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1),
                cancellationToken);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/s")
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = requestsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
        });
}
