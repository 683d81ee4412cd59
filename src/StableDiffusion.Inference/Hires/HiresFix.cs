using SixLabors.ImageSharp.Processing;
using StableDiffusion.Inference.Components;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Scheduling;

namespace StableDiffusion.Inference.Hires;

/// <summary>
/// The second pass of A1111's hires fix (modules/processing.py, <c>StableDiffusionProcessingTxt2Img</c>): where the
/// upscale goes (<c>calculate_target_resolution</c>), the upscale itself and the crop after it (<c>sample_hr_pass</c>),
/// and the schedule of the img2img pass that follows (<c>sd_samplers_common.setup_img2img_steps</c>).
/// </summary>
public sealed class HiresFix
{
    private readonly int scaleFactor;

    private HiresFix(HiresUpscaler upscaler, int upscaleWidth, int upscaleHeight, int truncateX, int truncateY, int steps, double strength, int scaleFactor)
    {
        (Upscaler, UpscaleWidth, UpscaleHeight, TruncateX, TruncateY) = (upscaler, upscaleWidth, upscaleHeight, truncateX, truncateY);
        (Steps, DenoisingStrength, this.scaleFactor) = (steps, strength, scaleFactor);
    }

    public HiresUpscaler Upscaler { get; }

    /// <summary>A1111's <c>hr_upscale_to_x</c>: the width the upscaler makes, before the crop.</summary>
    public int UpscaleWidth { get; }

    /// <summary>A1111's <c>hr_upscale_to_y</c>.</summary>
    public int UpscaleHeight { get; }

    /// <summary>
    /// A1111's <c>truncate_x</c>: latent columns cut after the upscale (half at each side, the odd one at the right) when
    /// <c>hr_resize_x</c> × <c>hr_resize_y</c> has another aspect ratio than the first pass.
    /// </summary>
    public int TruncateX { get; }

    /// <summary>A1111's <c>truncate_y</c>: latent rows cut, as <see cref="TruncateX"/>.</summary>
    public int TruncateY { get; }

    /// <summary>Denoising steps the second pass runs: <c>hr_second_pass_steps or steps</c>.</summary>
    public int Steps { get; }

    public double DenoisingStrength { get; }

    /// <summary>
    /// setup_img2img_steps with the steps given: the schedule is made for ⌊steps / min(strength, 0.999)⌋ steps, and the
    /// pass runs the last <see cref="Steps"/> of them (A1111's hires pass always runs exactly its steps).
    /// </summary>
    public int ScheduleSteps => (int)(Steps / Math.Min(DenoisingStrength, 0.999));

    /// <summary>The schedule's steps skipped before the pass starts.</summary>
    public int SkippedSteps => ScheduleSteps - Steps;

    /// <summary>
    /// The second pass's scheduler (the first pass's sampler), its schedule made for <see cref="ScheduleSteps"/> and begun
    /// after <see cref="SkippedSteps"/>, as k-diffusion's <c>sigmas[steps - t_enc - 1:]</c>.
    /// </summary>
    public (IScheduler Scheduler, int BeginIndex) CreateScheduler(string schedulerId, SchedulerConfig config)
    {
        var scheduler = SchedulerFactory.Create(schedulerId, config);
        scheduler.SetTimesteps(ScheduleSteps);
        var beginIndex = Math.Min(SkippedSteps * scheduler.Order, scheduler.Timesteps.Count - 1);
        scheduler.SetBeginIndex(beginIndex);
        return (scheduler, beginIndex);
    }

    /// <summary>The second pass's latent size.</summary>
    public LatentShape Shape(int channels) => new(channels, UpscaleHeight / scaleFactor - TruncateY, UpscaleWidth / scaleFactor - TruncateX);

    /// <summary>The final image's size in pixels.</summary>
    public (int Width, int Height) ImageSize => ((UpscaleWidth / scaleFactor - TruncateX) * scaleFactor, (UpscaleHeight / scaleFactor - TruncateY) * scaleFactor);

    /// <summary>
    /// The plan for <paramref name="settings"/> on a VAE that downsamples by <paramref name="scaleFactor"/> (A1111's
    /// opt_f, 8 for every Stable Diffusion). <see cref="ArgumentException"/> for an unknown upscaler or a size that is
    /// not positive.
    /// </summary>
    public static HiresFix For(GenerationSettings settings, int scaleFactor = 8)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var upscaler = HiresUpscalers.Find(settings.HiresUpscaler)
            ?? throw new ArgumentException($"Unknown hires upscaler '{settings.HiresUpscaler}'; known: {string.Join(", ", HiresUpscalers.All.Select(u => u.Name))}.", nameof(settings));
        var (width, height) = (settings.Width, settings.Height);
        var (resizeX, resizeY) = (settings.HiresResizeWidth, settings.HiresResizeHeight);
        int upscaleX, upscaleY, truncateX = 0, truncateY = 0;
        if (resizeX == 0 && resizeY == 0)
        {
            // Python's int() of the float product: truncation.
            (upscaleX, upscaleY) = ((int)(width * settings.HiresScale), (int)(height * settings.HiresScale));
        }
        else if (resizeY == 0)
        {
            (upscaleX, upscaleY) = (resizeX, resizeX * height / width);
        }
        else if (resizeX == 0)
        {
            (upscaleX, upscaleY) = (resizeY * width / height, resizeY);
        }
        else
        {
            // Cover the requested box with the first pass's aspect ratio, then cut the overhang from the latent.
            (upscaleX, upscaleY) = (double)width / height < (double)resizeX / resizeY
                ? (resizeX, resizeX * height / width)
                : (resizeY * width / height, resizeY);
            (truncateX, truncateY) = ((upscaleX - resizeX) / scaleFactor, (upscaleY - resizeY) / scaleFactor);
        }

        var plan = new HiresFix(upscaler, upscaleX, upscaleY, truncateX, truncateY, settings.HiresSteps > 0 ? settings.HiresSteps : settings.Steps,
            settings.HiresDenoisingStrength, scaleFactor);
        var (finalWidth, finalHeight) = plan.ImageSize;
        if (finalWidth <= 0 || finalHeight <= 0)
        {
            throw new ArgumentException($"Hires fix would make a {finalWidth}×{finalHeight} image; choose a larger scale or resize.", nameof(settings));
        }

        return plan;
    }

    /// <summary>
    /// The first pass's latents upscaled to the second pass's size: interpolated as latents, or decoded, resized as an
    /// image and encoded again (which needs the model's VAE encoder), then cropped by the truncation.
    /// </summary>
    public (double[] Latents, LatentShape Shape) Upscale(StableDiffusionModel model, double[] latents, LatentShape shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (height, width) = (UpscaleHeight / scaleFactor, UpscaleWidth / scaleFactor);
        double[] upscaled;
        if (Upscaler.LatentMode is { } mode)
        {
            upscaled = LatentInterpolation.Resize(latents, shape, height, width, mode, Upscaler.Antialias);
        }
        else
        {
            var encoder = model.VaeEncoder
                ?? throw new ArgumentException($"Model '{model.Name}' has no vae_encoder, so hires upscaler '{Upscaler.Name}' cannot encode its image; choose a Latent upscaler.");
            // A1111 resizes to hr_upscale_to_x × hr_upscale_to_y exactly; the VAE takes whole latent cells, so the size is
            // rounded down to them (the same size A1111's latent ends up with).
            using var decoded = model.VaeDecoder.Decode(latents, shape, cancellationToken).ToImage();
            using var resized = decoded.Clone(context => context.Resize(width * scaleFactor, height * scaleFactor, Upscaler.ImageResampler!));
            upscaled = encoder.Encode(resized, cancellationToken);
        }

        var full = shape with { Height = height, Width = width };
        return TruncateX == 0 && TruncateY == 0 ? (upscaled, full) : Crop(upscaled, full);
    }

    /// <summary><c>samples[:, :, ty//2 : H-(ty+1)//2, tx//2 : W-(tx+1)//2]</c>.</summary>
    private (double[] Latents, LatentShape Shape) Crop(double[] latents, LatentShape shape)
    {
        var cropped = shape with { Height = shape.Height - TruncateY, Width = shape.Width - TruncateX };
        var result = new double[cropped.Length];
        for (var c = 0; c < shape.Channels; c++)
        {
            for (var y = 0; y < cropped.Height; y++)
            {
                latents.AsSpan(((c * shape.Height) + y + TruncateY / 2) * shape.Width + TruncateX / 2, cropped.Width)
                    .CopyTo(result.AsSpan((c * cropped.Height + y) * cropped.Width, cropped.Width));
            }
        }

        return (result, cropped);
    }
}
