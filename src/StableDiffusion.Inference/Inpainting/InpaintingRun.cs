using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Inpainting;

/// <summary>One image of an inpainting job: where its latents start, the blend after each step, and the paste-back.</summary>
public sealed class InpaintingRun
{
    private readonly InpaintingSetup setup;
    private readonly float[] noise;
    private readonly IScheduler scheduler;
    private readonly double[] known;

    internal InpaintingRun(InpaintingSetup setup, double[] initLatents, float[] noise, IScheduler scheduler)
    {
        (this.setup, InitLatents, this.noise, this.scheduler) = (setup, initLatents, noise, scheduler);
        known = new double[initLatents.Length];
    }

    /// <summary>The clean latents the loop noises to its first step (after "latent noise" or "latent nothing").</summary>
    public double[] InitLatents { get; }

    /// <inheritdoc cref="InpaintingSetup.UnetConditioning"/>
    public double[]? UnetConditioning => setup.UnetConditioning;

    /// <summary>
    /// After the scheduler step <paramref name="stepIndex"/>: the kept region of <paramref name="latents"/> is set back to
    /// the init latents noised to the next step's level (the clean latents after the last step), as diffusers'
    /// StableDiffusionInpaintPipeline does for 4-channel UNets:
    /// <c>latents = (1 − mask) · add_noise(image_latents, noise, t_next) + mask · latents</c>.
    /// A 9-channel UNet sees the mask itself and is left alone.
    /// </summary>
    public void Blend(Span<double> latents, int stepIndex)
    {
        if (UnetConditioning is not null)
        {
            return;
        }

        if (stepIndex + 1 < scheduler.Timesteps.Count)
        {
            scheduler.AddNoise(InitLatents, noise, stepIndex + 1, known);
        }
        else
        {
            InitLatents.CopyTo(known, 0);
        }

        var mask = setup.LatentMask;
        for (var i = 0; i < latents.Length; i++)
        {
            var m = mask[i % mask.Length];
            latents[i] = (1 - m) * known[i] + m * latents[i];
        }
    }

    /// <inheritdoc cref="InpaintingSetup.PasteBack"/>
    public RgbImage PasteBack(RgbImage generated) => setup.PasteBack(generated);
}
