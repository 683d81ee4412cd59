namespace StableDiffusion.Inference.Inpainting;

/// <summary>
/// What the masked area starts from before denoising (A1111's "Masked content"); the numbers are A1111's
/// <c>inpainting_fill</c> values.
/// </summary>
public enum InpaintingFill
{
    /// <summary>The unmasked colours blurred into the hole (modules/masking.py <c>fill</c>).</summary>
    Fill = 0,

    /// <summary>The init image as it is.</summary>
    Original = 1,

    /// <summary>Filled, and the hole's latents replaced by the seed's noise.</summary>
    LatentNoise = 2,

    /// <summary>Filled, and the hole's latents set to zero.</summary>
    LatentNothing = 3,
}
