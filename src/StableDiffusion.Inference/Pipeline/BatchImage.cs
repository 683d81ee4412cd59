using StableDiffusion.Inference.Randomness;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>
/// One image of a batch on its way through the denoising loop: its own settings (seed), noise generator, scheduler
/// and latents, so that batched images are the images made one at a time (A1111's ImageRNG keeps one generator per
/// image too, and ancestral samplers draw each image's step noise from it).
/// </summary>
internal sealed class BatchImage
{
    public BatchImage(GenerationSettings settings, INoiseGenerator generator, IScheduler scheduler, int beginIndex, double[] latents)
    {
        Settings = settings;
        Generator = generator;
        Scheduler = scheduler;
        BeginIndex = beginIndex;
        Latents = latents;
        ModelInput = scheduler.ModelInputIsSample ? latents : new double[latents.Length];
        NoisePrediction = new double[latents.Length];
    }

    /// <summary>Inpainting: this image's blend after each step, the UNet's mask channels and the paste-back; else null.</summary>
    public Inpainting.InpaintingRun? Inpaint { get; init; }

    public GenerationSettings Settings { get; }

    public INoiseGenerator Generator { get; }

    public IScheduler Scheduler { get; }

    /// <summary>The loop's first iteration: 0 for txt2img, later for img2img.</summary>
    public int BeginIndex { get; }

    public double[] Latents { get; }

    /// <summary>This step's scaled input to the UNet: the latents themselves when the scheduler does not scale them.</summary>
    public double[] ModelInput { get; }

    /// <summary>This step's guided noise prediction.</summary>
    public double[] NoisePrediction { get; }

    /// <summary>Step caching's decisions for this image through the current loop.</summary>
    public StepCaching.StepSkipper? Skipper { get; set; }

    /// <summary>The last step's prediction of the clean latent (null before the first step): previews, and what a skip decodes.</summary>
    public double[]? PredictedOriginal { get; set; }
}
