namespace StableDiffusion.Studio.Queue;

/// <summary>What the fair ordering needs to know about a waiting job.</summary>
public sealed record QueuedJob(Guid Id, string OwnerId, DateTime CreatedAt);
