using SixLabors.ImageSharp.Processing.Processors.Transforms;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Hires;

/// <summary>
/// One of A1111's hires upscalers: either a latent interpolation (<see cref="LatentMode"/>, shared.py
/// <c>latent_upscale_modes</c>) run on the first pass's latents, or an image resampler (<see cref="ImageResampler"/>,
/// modules/upscaler.py) run on its decoded image, which is then encoded again.
/// </summary>
public sealed record HiresUpscaler(string Name, LatentInterpolationMode? LatentMode, bool Antialias, IResampler? ImageResampler)
{
    public bool IsLatent => LatentMode is not null;
}
