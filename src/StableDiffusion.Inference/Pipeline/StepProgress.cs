using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Pipeline;

/// <summary>Reported after every denoising step.</summary>
/// <param name="ImageIndex">Which image of the batch is being denoised (0-based).</param>
/// <param name="Preview">A small picture of the current prediction, or null when none was made this step.</param>
public sealed record StepProgress(int ImageIndex, int ImageCount, int Step, int TotalSteps, TimeSpan Elapsed, RgbImage? Preview);
