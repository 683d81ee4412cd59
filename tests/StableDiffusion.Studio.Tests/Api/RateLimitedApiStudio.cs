namespace StableDiffusion.Studio.Tests.Api;

/// <summary>A studio whose users may submit twice a minute, with room for many waiting jobs.</summary>
public sealed class RateLimitedApiStudio() : ApiStudio(realModels: false, maxQueuedJobsPerUser: 100, submitsPerMinutePerUser: RateLimitedApiStudio.PerMinute)
{
    public const int PerMinute = 2;
}
