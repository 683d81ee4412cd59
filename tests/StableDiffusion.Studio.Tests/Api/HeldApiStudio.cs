namespace StableDiffusion.Studio.Tests.Api;

/// <summary>The API studio on the harness's fake pipeline, whose jobs can be held running, with a queue cap of 2.</summary>
public sealed class HeldApiStudio() : ApiStudio(realModels: false, maxQueuedJobsPerUser: 2)
{
    public const int QueueCap = 2;
}
