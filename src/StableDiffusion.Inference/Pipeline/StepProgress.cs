using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>Reported after every denoising step.</summary>
/// <param name="ImageIndex">The first image of the batch being denoised (0-based, counted over the whole job).</param>
/// <param name="ImageCount">Images in the whole job.</param>
/// <param name="Preview">A small picture of the current prediction (of the batch's first image), or null when none was made this step.</param>
/// <param name="BatchSize">Images denoised together in this step, from <paramref name="ImageIndex"/> on.</param>
public sealed record StepProgress(int ImageIndex, int ImageCount, int Step, int TotalSteps, TimeSpan Elapsed, RgbImage? Preview, int BatchSize = 1)
{
    /// <summary>0…1 over the whole job.</summary>
    public double Fraction => TotalSteps <= 0 || ImageCount <= 0
        ? 0
        : Math.Clamp((ImageIndex * (double)TotalSteps + BatchSize * (double)Step) / (ImageCount * (double)TotalSteps), 0, 1);
}
