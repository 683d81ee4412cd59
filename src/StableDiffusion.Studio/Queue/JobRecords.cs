using Microsoft.EntityFrameworkCore;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Queue;

/// <summary>The queue record's one mapping to and from <see cref="GenerationSettings"/>, and the queries every backend shares.</summary>
public static class JobRecords
{
    /// <summary>A new queued job. A random seed (-1) is drawn now so that a rerun of the record is deterministic.</summary>
    public static JobRecord Create(string ownerId, GenerationSettings settings, DateTime createdAt, string? initImagePath, Guid? comparisonId,
        string? maskPath = null) => new()
    {
        Id = Guid.CreateVersion7(),
        OwnerId = ownerId,
        Prompt = settings.Prompt,
        NegativePrompt = settings.NegativePrompt,
        EmphasisMode = settings.EmphasisMode.ToString(),
        PadPrompts = settings.PadPrompts,
        // A1111 draws -1 from random.randrange(4294967294).
        Seed = settings.Seed >= 0 ? settings.Seed : Random.Shared.NextInt64(0, GenerationLimits.MaxSeed),
        VariationSeed = settings.VariationSeed >= 0 || settings.VariationStrength == 0
            ? settings.VariationSeed
            : Random.Shared.NextInt64(0, GenerationLimits.MaxSeed),
        VariationStrength = settings.VariationStrength,
        SeedResizeFromWidth = settings.SeedResizeFromWidth,
        SeedResizeFromHeight = settings.SeedResizeFromHeight,
        Steps = settings.Steps,
        GuidanceScale = settings.GuidanceScale,
        Scheduler = settings.Scheduler,
        NoiseSource = NoiseSources.ToA1111(settings.NoiseSource),
        Speed = settings.Speed.ToString(),
        Width = settings.Width,
        Height = settings.Height,
        BatchSize = settings.BatchSize,
        BatchCount = settings.BatchCount,
        EnableHires = settings.EnableHires,
        HiresScale = settings.HiresScale,
        // Names are matched in any case; the record keeps A1111's spelling, which the infotext writes.
        HiresUpscaler = HiresUpscalers.Find(settings.HiresUpscaler)?.Name ?? settings.HiresUpscaler,
        HiresSteps = settings.HiresSteps,
        HiresDenoisingStrength = settings.HiresDenoisingStrength,
        HiresResizeWidth = settings.HiresResizeWidth,
        HiresResizeHeight = settings.HiresResizeHeight,
        Model = settings.Model,
        Vae = settings.Vae,
        TextEncoder = settings.TextEncoder,
        Strength = initImagePath is null ? null : settings.Strength,
        InitImagePath = initImagePath,
        MaskPath = maskPath,
        MaskBlur = settings.MaskBlur,
        InpaintingFill = (int)settings.InpaintingFill,
        InvertMask = settings.InvertMask,
        InpaintFullRes = settings.InpaintFullRes,
        InpaintFullResPadding = settings.InpaintFullResPadding,
        CreatedAt = createdAt,
        ComparisonId = comparisonId,
    };

    /// <summary>The settings a job runs with; the init image and mask are files, so their bytes are the caller's to add.</summary>
    public static GenerationSettings Settings(JobRecord job) => new()
    {
        Prompt = job.Prompt,
        NegativePrompt = job.NegativePrompt,
        EmphasisMode = Enum.TryParse<EmphasisMode>(job.EmphasisMode, out var emphasis) ? emphasis : EmphasisMode.Original,
        PadPrompts = job.PadPrompts,
        Seed = job.Seed,
        VariationSeed = job.VariationSeed,
        VariationStrength = job.VariationStrength,
        SeedResizeFromWidth = job.SeedResizeFromWidth,
        SeedResizeFromHeight = job.SeedResizeFromHeight,
        Steps = job.Steps,
        GuidanceScale = job.GuidanceScale,
        Scheduler = job.Scheduler,
        NoiseSource = NoiseSources.FromA1111(job.NoiseSource) ?? default,
        Speed = Enum.TryParse<Speed>(job.Speed, out var speed) ? speed : Speed.Exact,
        Width = job.Width,
        Height = job.Height,
        BatchSize = job.BatchSize,
        BatchCount = job.BatchCount,
        EnableHires = job.EnableHires,
        HiresScale = job.HiresScale,
        HiresUpscaler = job.HiresUpscaler,
        HiresSteps = job.HiresSteps,
        HiresDenoisingStrength = job.HiresDenoisingStrength,
        HiresResizeWidth = job.HiresResizeWidth,
        HiresResizeHeight = job.HiresResizeHeight,
        Model = job.Model,
        Vae = job.Vae,
        TextEncoder = job.TextEncoder,
        Strength = job.Strength ?? new GenerationSettings().Strength,
        MaskBlur = job.MaskBlur,
        InpaintingFill = (InpaintingFill)job.InpaintingFill,
        InvertMask = job.InvertMask,
        InpaintFullRes = job.InpaintFullRes,
        InpaintFullResPadding = job.InpaintFullResPadding,
    };

    /// <summary>What the job must share with others to step in one batch with them; null when it runs alone (hires fix).</summary>
    public static SharedBatchKey? BatchKey(this JobRecord job) => SharedBatchKey.Of(Settings(job));

    /// <summary>The steps progress counts for each image of the job: both passes with hires fix.</summary>
    public static int TotalSteps(this JobRecord job) => Settings(job).TotalSteps;

    /// <summary>Waiting jobs, each with what the fair order needs.</summary>
    public static IQueryable<QueuedJob> Waiting(this IQueryable<JobRecord> jobs) =>
        jobs.Where(j => j.Status == JobStatus.Queued).Select(j => new QueuedJob(j.Id, j.OwnerId, j.CreatedAt));

    /// <summary>The owner's waiting jobs as the per-user cap counts them: a comparison counts once.</summary>
    public static Task<int> CountWaitingAsync(this IQueryable<JobRecord> jobs, string ownerId, CancellationToken cancellationToken) =>
        jobs.Where(j => j.OwnerId == ownerId && j.Status == JobStatus.Queued)
            .Select(j => j.ComparisonId ?? j.Id)
            .Distinct()
            .CountAsync(cancellationToken);
}
