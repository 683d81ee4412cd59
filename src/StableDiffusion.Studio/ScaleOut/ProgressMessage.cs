using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.ScaleOut;

/// <summary>A <see cref="JobUpdate"/> on the wire between nodes, owner included (the hub's JSON leaves it out), with the node that sent it.</summary>
public sealed record ProgressMessage(
    string Node,
    Guid JobId,
    string OwnerId,
    JobStatus Status,
    int Step,
    int TotalSteps,
    int ImageIndex,
    int ImageCount,
    TimeSpan? Eta,
    byte[]? Preview,
    string? Error,
    Guid[] ImageIds,
    int BatchSize = 1)
{
    public static ProgressMessage From(string node, JobUpdate u) =>
        new(node, u.JobId, u.OwnerId, u.Status, u.Step, u.TotalSteps, u.ImageIndex, u.ImageCount, u.Eta, u.Preview, u.Error, [.. u.ImageIds], u.BatchSize);

    public JobUpdate ToUpdate() => new(JobId, OwnerId, Status, Step, TotalSteps, ImageIndex, ImageCount, Eta, Preview, Error, ImageIds, BatchSize);
}
