using StableDiffusion.Studio.Data;

namespace StableDiffusion.Studio.Tests.Generation;

/// <summary>What a hub client receives: the server's JobUpdate seen from outside.</summary>
public sealed record WatchedUpdate(Guid JobId, JobStatus Status, int Step, int TotalSteps, string? Error, List<Guid> ImageIds);
