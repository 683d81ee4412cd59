using StableDiffusion.Inference.Components;
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
    private BatchImage(GenerationSettings settings, INoiseGenerator generator, IScheduler scheduler, int beginIndex, double[] latents)
    {
        Settings = settings;
        Generator = generator;
        Scheduler = scheduler;
        BeginIndex = beginIndex;
        Latents = latents;
        ModelInput = new double[latents.Length];
        NoisePrediction = new double[latents.Length];
    }

    public GenerationSettings Settings { get; }

    public INoiseGenerator Generator { get; }

    public IScheduler Scheduler { get; }

    /// <summary>The loop's first iteration: 0 for txt2img, later for img2img.</summary>
    public int BeginIndex { get; }

    public double[] Latents { get; }

    /// <summary>This step's scaled input to the UNet.</summary>
    public double[] ModelInput { get; }

    /// <summary>This step's guided noise prediction.</summary>
    public double[] NoisePrediction { get; }

    /// <summary>The last step's prediction of the clean latent (null before the first step): previews, and what a skip decodes.</summary>
    public double[]? PredictedOriginal { get; set; }

    /// <summary>
    /// A scheduler and the initial latents for <paramref name="image"/>: one randn of [1, C, h, w] from the image's own
    /// generator, as diffusers' prepare_latents; for img2img, the init image noised to where the loop starts.
    /// </summary>
    public static BatchImage Start(GenerationSettings image, StableDiffusionModel model, LatentShape latentShape, double[]? initLatents)
    {
        var generator = NoiseGenerators.Create(image.NoiseSource, image.Seed);
        var scheduler = SchedulerFactory.Create(image.Scheduler, model.SchedulerConfig);
        scheduler.SetTimesteps(image.Steps);

        var noise = new float[latentShape.Length];
        generator.Fill(noise);
        if (image.VariationStrength != 0)
        {
            // The variation seed's noise is its own generator's first draw; the image's generator goes on for the steps.
            var variation = new float[latentShape.Length];
            NoiseGenerators.Create(image.NoiseSource, image.VariationSeed).Fill(variation);
            VariationNoise.Slerp(image.VariationStrength, noise, variation, latentShape.Channels, latentShape.Height, latentShape.Width);
        }

        var latents = new double[latentShape.Length];
        var beginIndex = 0;
        if (initLatents is null)
        {
            for (var i = 0; i < latents.Length; i++)
            {
                latents[i] = noise[i] * scheduler.InitNoiseSigma;
            }
        }
        else
        {
            // diffusers img2img get_timesteps: skip the first N - int(N·strength) steps (but always denoise at least one),
            // then noise the image to where the loop starts.
            beginIndex = ImageToImage.StartIndexForAtLeastOneStep(image.Steps, image.Strength, scheduler.Order);
            scheduler.SetBeginIndex(beginIndex);
            scheduler.AddNoise(initLatents, noise, beginIndex, latents);
        }
        return new BatchImage(image, generator, scheduler, beginIndex, latents);
    }
}
