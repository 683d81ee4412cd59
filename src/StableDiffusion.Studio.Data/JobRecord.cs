namespace StableDiffusion.Studio.Data;

/// <summary>
/// One generation request. The jobs table is the queue: a worker claims the next <see cref="JobStatus.Queued"/> row,
/// so queued work survives a restart.
/// </summary>
public sealed class JobRecord
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public required string Prompt { get; set; }

    public string NegativePrompt { get; set; } = "";

    /// <summary>The emphasis mode's name in code: "Original", "NoNorm" or "None".</summary>
    public string EmphasisMode { get; set; } = "Original";

    /// <summary>A1111's "Pad prompt/negative prompt".</summary>
    public bool PadPrompts { get; set; }

    /// <summary>The first image's seed, already resolved from -1; image i uses Seed + i (A1111's convention).</summary>
    public long Seed { get; set; }

    /// <summary>A1111's variation seed ("subseed"), resolved from -1 when <see cref="VariationStrength"/> is above 0.</summary>
    public long VariationSeed { get; set; } = -1;

    /// <summary>0 for none: then every image of the batch has its own seed.</summary>
    public double VariationStrength { get; set; }

    /// <summary>A1111's "Resize seed from" size; 0 × 0 is off.</summary>
    public int SeedResizeFromWidth { get; set; }

    public int SeedResizeFromHeight { get; set; }

    public int Steps { get; set; }

    public double GuidanceScale { get; set; }

    /// <summary>A scheduler id (e.g. dpmpp-2m-karras), not the A1111 display name.</summary>
    public required string Scheduler { get; set; }

    /// <summary>A1111's random number source: "CPU" (torch on the CPU, mt19937) or "NV" (torch on an NVIDIA GPU, Philox).</summary>
    public string NoiseSource { get; set; } = "CPU";

    /// <summary>"Exact", or "Fast" (step caching: fewer UNet evaluations, a close image).</summary>
    public string Speed { get; set; } = "Exact";

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Images made together, in one UNet call per step (A1111's batch size).</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary>Batches made one after another (A1111's n_iter); the job makes BatchSize × BatchCount images.</summary>
    public int BatchCount { get; set; } = 1;

    /// <summary>A1111's hires fix: the images are upscaled from Width × Height and denoised again.</summary>
    public bool EnableHires { get; set; }

    public double HiresScale { get; set; } = 2;

    /// <summary>An A1111 hires upscaler name, e.g. "Latent" or "Lanczos".</summary>
    public string HiresUpscaler { get; set; } = "Latent";

    /// <summary>0: as many as <see cref="Steps"/>.</summary>
    public int HiresSteps { get; set; }

    public double HiresDenoisingStrength { get; set; } = 0.7;

    public int HiresResizeWidth { get; set; }

    public int HiresResizeHeight { get; set; }

    /// <summary>Images the job makes.</summary>
    public int ImageCount => BatchSize * BatchCount;

    public required string Model { get; set; }

    /// <summary>The standalone VAE folder the job decodes with; null for the model's own.</summary>
    public string? Vae { get; set; }

    /// <summary>The standalone text encoder folder the job encodes prompts with; null for the model's own.</summary>
    public string? TextEncoder { get; set; }

    /// <summary>img2img denoising strength; null for txt2img.</summary>
    public double? Strength { get; set; }

    /// <summary>The uploaded init image, relative to the data directory; null for txt2img.</summary>
    public string? InitImagePath { get; set; }

    /// <summary>The uploaded inpainting mask (a grey PNG), relative to the data directory; null when nothing is masked.</summary>
    public string? MaskPath { get; set; }

    /// <summary>The inpainting settings; they mean something only with <see cref="MaskPath"/>.</summary>
    public int MaskBlur { get; set; } = 4;

    /// <summary>A1111's inpainting_fill number: 0 fill, 1 original, 2 latent noise, 3 latent nothing.</summary>
    public int InpaintingFill { get; set; } = 1;

    public bool InvertMask { get; set; }

    public bool InpaintFullRes { get; set; }

    public int InpaintFullResPadding { get; set; } = 32;

    public JobStatus Status { get; set; } = JobStatus.Queued;

    public string? Error { get; set; }

    /// <summary>Things the user should see even on success, e.g. a truncated prompt.</summary>
    public string? Warnings { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>The worker that claimed the job last; kept after it ends, so the queue can say who ran it.</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// Until when <see cref="WorkerId"/> holds the job: its worker renews it every few seconds while it runs, and a
    /// running job whose lease has passed is taken back (multi-node mode; a single process settles its jobs at start).
    /// </summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>How many times a worker has claimed the job: a second lost lease fails it instead of requeueing it again.</summary>
    public int Attempts { get; set; }

    /// <summary>Milliseconds the pipeline took in total and per UNet step.</summary>
    public double? TotalMilliseconds { get; set; }

    public double? MillisecondsPerStep { get; set; }

    /// <summary>Submitted through the native or A1111 API rather than from Create's form: Create lists only its own jobs.</summary>
    public bool FromApi { get; set; }

    /// <summary>Set when the job is one cell of a comparison.</summary>
    public Guid? ComparisonId { get; set; }

    public int CellRow { get; set; }

    public int CellColumn { get; set; }

    public List<ImageRecord> Images { get; set; } = [];
}
