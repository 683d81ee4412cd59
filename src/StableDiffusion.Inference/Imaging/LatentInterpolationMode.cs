namespace StableDiffusion.Inference.Imaging;

/// <summary>torch.nn.functional.interpolate's <c>mode</c>, for the modes A1111's latent upscalers use.</summary>
public enum LatentInterpolationMode
{
    Nearest,
    NearestExact,
    Bilinear,
    Bicubic,
}
