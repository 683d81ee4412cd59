using System.Text.Json.Serialization;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The newest known state of one job, as pages and hub clients see it. <see cref="Preview"/> is a small PNG of the
/// current prediction (sent as base64 over the hub). <see cref="ImageIndex"/> is the first image of the batch being
/// denoised, <see cref="BatchSize"/> how many advance together, <see cref="ImageCount"/> the job's images.
/// </summary>
public sealed record JobUpdate(
    Guid JobId,
    [property: JsonIgnore] string OwnerId,
    JobStatus Status,
    int Step,
    int TotalSteps,
    int ImageIndex,
    int ImageCount,
    TimeSpan? Eta,
    byte[]? Preview,
    string? Error,
    IReadOnlyList<Guid> ImageIds,
    int BatchSize = 1)
{
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>0…1 over the whole batch.</summary>
    public double Fraction => TotalSteps <= 0 || ImageCount <= 0
        ? 0
        : Math.Clamp((ImageIndex * (double)TotalSteps + BatchSize * (double)Step) / (ImageCount * (double)TotalSteps), 0, 1);

    /// <summary>Whether the job offers Skip (A1111's, for a batch): it is running and makes more than one image.</summary>
    public bool CanSkip => Status == JobStatus.Running && ImageCount > 1;

    public static JobUpdate Of(JobRecord job) => new(job.Id, job.OwnerId, job.Status, 0, job.TotalSteps(), 0, job.ImageCount, null, null, job.Error,
        job.Images.OrderBy(i => i.Index).Select(i => i.Id).ToList(), job.BatchSize);
}
