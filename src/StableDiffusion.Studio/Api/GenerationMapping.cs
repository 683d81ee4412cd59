using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Queue;

namespace StableDiffusion.Studio.Api;

/// <summary>Jobs and their images as the native API shows them.</summary>
public static class GenerationMapping
{
    public static string JobUrl(Guid jobId) => $"{NativeApiEndpoints.Prefix}/generations/{jobId}";

    public static string ImageUrl(Guid imageId) => $"{NativeApiEndpoints.Prefix}/images/{imageId}";

    public static string StatusName(JobStatus status) => status.ToString().ToLowerInvariant();

    public static GenerationResponse ToResponse(JobRecord job, JobUpdate? live, int? queuePosition)
    {
        var update = live is { IsFinished: false } && job.Status is JobStatus.Running ? live : null;
        var progress = job.Status == JobStatus.Succeeded ? 1 : update?.Fraction ?? 0;
        var settings = SettingsResponse.From(JobRecords.Settings(job), imageToImage: job.InitImagePath is not null);
        var images = job.Images.OrderBy(i => i.Index)
            .Select(i => new GeneratedImageResponse(i.Id, i.Index, i.Seed, i.Width, i.Height, ImageUrl(i.Id), i.Parameters))
            .ToList();
        return new GenerationResponse(job.Id, StatusName(job.Status), progress, update?.Step ?? 0, update?.TotalSteps ?? job.TotalSteps(), update?.ImageIndex ?? 0,
            job.Status == JobStatus.Queued ? queuePosition : null, update?.Eta?.TotalSeconds, job.Error, job.Warnings, settings, images,
            job.CreatedAt, job.StartedAt, job.FinishedAt, JobUrl(job.Id));
    }
}
