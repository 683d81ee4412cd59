using SixLabors.ImageSharp.Processing;
using StableDiffusion.Inference.Imaging;

namespace StableDiffusion.Inference.Hires;

/// <summary>The hires upscalers by A1111's names, in the order its "Upscaler" list shows them.</summary>
public static class HiresUpscalers
{
    /// <summary>A1111's <c>latent_upscale_default_mode</c> and its UI's default choice.</summary>
    public const string Default = "Latent";

    public static IReadOnlyList<HiresUpscaler> All { get; } =
    [
        new("Latent", LatentInterpolationMode.Bilinear, false, null),
        new("Latent (antialiased)", LatentInterpolationMode.Bilinear, true, null),
        new("Latent (bicubic)", LatentInterpolationMode.Bicubic, false, null),
        new("Latent (bicubic antialiased)", LatentInterpolationMode.Bicubic, true, null),
        new("Latent (nearest)", LatentInterpolationMode.Nearest, false, null),
        new("Latent (nearest-exact)", LatentInterpolationMode.NearestExact, false, null),
        // UpscalerNone leaves the image to images.resize_image's final PIL LANCZOS resize, so it is Lanczos too.
        new("None", null, false, KnownResamplers.Lanczos3),
        new("Lanczos", null, false, KnownResamplers.Lanczos3),
        new("Nearest", null, false, KnownResamplers.NearestNeighbor),
    ];

    /// <summary>The upscaler of that name (any case), or null.</summary>
    public static HiresUpscaler? Find(string? name) =>
        All.FirstOrDefault(upscaler => string.Equals(upscaler.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
